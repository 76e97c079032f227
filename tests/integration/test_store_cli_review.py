from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

from builders import PlanBuilder
from tanfeng.cli import app
from tanfeng.db.models import Indicator
from tanfeng.db.session import Database
from tanfeng.services.plan_import import import_plan


def _invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def test_review_history_and_frequency_from_the_cli(db_url: str, db: Database, builder: PlanBuilder,
                                                   tmp_path: Path) -> None:
    import_plan(db, builder.plan(), actor="office")
    with db.transaction() as s:
        forest = s.scalar(select(Indicator.id).where(Indicator.code == "forest_coverage"))
    quarterly = tmp_path / "q.csv"
    quarterly.write_text(f"填报单位,指标ID,填报期间,本期值\n县林业局,{forest},2023Q2,80.5\n", encoding="utf-8")
    code, out = _invoke("data", "import", str(quarterly), "--db", db_url)
    assert code == 2 and "按年填报" in out  # a yearly indicator takes no quarterly value
    code, out = _invoke("plan", "frequency", "T4", "quarter", "--db", db_url, "--actor", "office")
    assert code == 0, out
    code, out = _invoke("data", "import", str(quarterly), "--db", db_url, "--actor", "林业局张三")
    assert code == 0 and "新增1" in out
    code, out = _invoke("data", "list", "--json", "--db", db_url)
    (obs,) = json.loads(out)
    assert (obs["period"], obs["status"], obs["reporter"]) == ("2023Q2", "submitted", "县林业局")
    code, out = _invoke("data", "return", str(obs["id"]), "--db", db_url)
    assert code == 2  # --reason is required
    code, out = _invoke("data", "return", str(obs["id"]), "--reason", "口径不对", "--db", db_url, "--actor", "office")
    assert code == 0, out
    code, out = _invoke("units", "--format", "json", "--db", db_url)
    forestry = next(u for u in json.loads(out) if u["unit"] == "县林业局")
    assert any(r["kind"] == "returned" and r["reason"] == "口径不对" for r in forestry["open_reports"])
    code, out = _invoke("data", "accept", str(obs["id"]), "--db", db_url)
    assert code == 0, out
    code, out = _invoke("data", "history", str(forest), "--json", "--db", db_url)
    steps = [(r["action"], r["actor"], r["new_status"]) for r in json.loads(out)]
    assert steps[0] == ("create", "林业局张三", "submitted")
    assert [s[0] for s in steps] == ["create", "return", "accept"]
    code, out = _invoke("data", "accept", "99999", "--db", db_url)
    assert code == 2 and "99999" in out
