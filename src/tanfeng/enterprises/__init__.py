"""Key energy users and high-energy projects: pure domain logic (no database, web or CLI)."""
