"""Reports for the leading group: the annual evaluation report (docx / html / xlsx)."""
