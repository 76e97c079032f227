"""``tanfeng demo`` shows the reference county with its city and a neighbouring county (示例数据)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from tanfeng.cli import app as cli_app
from tanfeng.db.session import Database
from tanfeng.services.alignment import alignment
from tanfeng.services.plan_admin import list_plans
from tanfeng.services.regions import region_tree
from tanfeng.services.rollup import rollup


def test_demo_has_a_city_and_a_neighbour_with_alignment_and_rollup(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    result = CliRunner().invoke(cli_app, ["demo", "--no-serve", "--db", str(path)])
    assert result.exit_code == 0, result.output
    assert "city" in result.output  # the city office's demo account
    db = Database(f"sqlite:///{path}")
    try:
        plans = list_plans(db)
        reference = next(p for p in plans if "示例数据" not in p.title)
        others = [p for p in plans if p is not reference]
        assert len(others) == 2 and all("示例数据" in p.title for p in others)
        nodes = {n.name: n for n in region_tree(db)}
        city = nodes[reference.region].parent
        assert city is not None and {p.region for p in others} >= {city}
        up = rollup(db, city)
        assert len(up.rows) == 2 and all(r.level == "county" for r in up.rows)
        # both counties have reported: some light in each row is not grey
        assert all(any(c.level != "none" for c in r.cells.values()) for r in up.rows)
        neighbour = next(p for p in others if p.region != city)
        flags = {f for r in alignment(db, neighbour.plan_id).rows for f in r.flags}
        assert {"weaker", "missing"} <= flags
        deferred = [r for r in alignment(db, reference.plan_id).rows if r.own and r.own.assigned]
        assert deferred and all(r.own and r.own.quota_doc and "示例" in r.own.quota_doc for r in deferred)
    finally:
        db.dispose()
    status = CliRunner().invoke(cli_app, ["status", "--region", city, "--children", "--db", str(path)])
    assert status.exit_code == 0, status.output
    assert reference.region in status.output and neighbour.region in status.output
    assert CliRunner().invoke(cli_app, ["status", "--children", "--db", str(path)]).exit_code == 2
