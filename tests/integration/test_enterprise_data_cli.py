"""``tanfeng enterprises energy-import | quality | headroom`` on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

from enterprise_data_fixtures import populate_enterprises
from tanfeng.cli import app
from tanfeng.db.enterprise_models import Enterprise
from tanfeng.db.session import Database
from web.multiplan_fixtures import COUNTY_A


def test_import_check_and_quality_from_the_command_line(db: Database, db_url: str, tmp_path: Path) -> None:
    ef = populate_enterprises(db)
    with db.transaction() as s:
        uscc = s.scalar(select(Enterprise.uscc).where(Enterprise.id == ef.enterprise[COUNTY_A]))
    lines = ["统一社会信用代码,期间,类别,品种,数量,单位"]
    lines += [f"{uscc},2024-{m:02d},能源,柴油,{1000 if m == 8 else 100},吨" for m in range(1, 13) if m != 5]
    path = tmp_path / "energy.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    runner = CliRunner()
    checked = runner.invoke(app, ["enterprises", "energy-import", str(path), "--check", "--db", db_url])
    assert checked.exit_code == 0, checked.output
    assert "将新增11" in checked.output
    stored = runner.invoke(app, ["enterprises", "energy-import", str(path), "--db", db_url])
    assert stored.exit_code == 0 and "新增11" in stored.output, stored.output
    out = runner.invoke(app, ["enterprises", "quality", "--through", "2024-12", "--format", "json", "--db", db_url])
    assert out.exit_code == 0, out.output
    assert [(f["rule"], f["period"]) for f in json.loads(out.output)] == [("completeness", "2024"),
                                                                         ("mom_outlier", "2024-08")]
    bad = tmp_path / "bad.csv"
    bad.write_text("统一社会信用代码,期间,类别,品种,数量,单位\n" + f"{uscc},2024-1,能源,柴油,1,吨\n", encoding="utf-8")
    refused = runner.invoke(app, ["enterprises", "energy-import", str(bad), "--db", db_url])
    assert refused.exit_code != 0 and "第2行" in refused.output
