"""Interface words in Chinese (default) and English; data (plan text, unit names) is shown as stored."""

from __future__ import annotations

WORDS: dict[str, tuple[str, str]] = {
    "app": ("碳峰 · 碳达峰实施方案工作台", "tanfeng · carbon-peaking plan workspace"),
    "overview": ("总览", "Overview"),
    "plan": ("方案", "Plan"),
    "matrix": ("责任矩阵", "Responsibility matrix"),
    "workspace": ("本单位填报", "My unit"),
    "review": ("审核", "Review"),
    "admin": ("单位与账号", "Units & accounts"),
    "upload_plan": ("上传方案", "Upload plan"),
    "inventory": ("温室气体清单", "Inventory"),
    "audit": ("操作日志", "Audit log"),
    "login": ("登录", "Log in"),
    "logout": ("退出", "Log out"),
    "username": ("用户名", "User name"),
    "password": ("密码", "Password"),
    "peak": ("碳达峰承诺", "Peak commitment"),
    "targets": ("主要目标", "Headline targets"),
    "overdue": ("逾期未报的单位", "Units with overdue reports"),
    "activity": ("最近操作", "Recent activity"),
    "indicator": ("指标", "Indicator"),
    "target": ("目标", "Target"),
    "latest": ("最新值", "Latest"),
    "expected": ("应达值", "Expected"),
    "level": ("预警", "Warning"),
    "lead": ("牵头单位", "Lead unit"),
    "co": ("配合单位", "Co-units"),
    "period": ("期间", "Period"),
    "value": ("数值", "Value"),
    "unit_of_measure": ("单位", "Unit"),
    "status": ("状态", "Status"),
    "reason": ("理由", "Reason"),
    "submit": ("提交", "Submit"),
    "save_draft": ("保存草稿", "Save draft"),
    "accept": ("采纳", "Accept"),
    "return": ("退回", "Return"),
    "search": ("搜索", "Search"),
    "history": ("填报历史", "History"),
    "chart": ("实际值与应达路径", "Observed vs expected path"),
    "tasks": ("我的任务", "My tasks"),
    "indicators": ("我的指标", "My indicators"),
    "returned": ("被退回的填报", "Returned items"),
    "upload": ("上传填报模板", "Upload filled template"),
    "download_template": ("下载本单位填报模板", "Download my template"),
    "progress": ("进展", "Progress"),
    "quota": ("上级下达指标", "Assigned quota"),
    "accounts": ("账号", "Accounts"),
    "units": ("责任单位", "Units"),
    "report": ("生成年度评估报告", "Generate annual report"),
    "demo": ("示例数据：本页数值为演示用，不是真实统计数据",
             "示例数据 — illustrative demo data, not official statistics"),
    "none": ("无", "none"),
    "role_lead": ("牵头", "lead"),
    "role_co": ("配合", "co"),
    "draft": ("征求意见稿", "draft"),
    "final": ("正式稿", "final"),
    "awaiting_quota": ("待下达", "quota pending"),
    "version": ("第{n}版", "version {n}"),
    "choose_plan": ("当前方案", "Plan"),
    "switch": ("切换", "Switch"),
    "library": ("方案库", "Plan library"),
    "alignment": ("上下对标", "Vertical alignment"),
    "rollup": ("下级汇总", "Roll-up"),
    "setup": ("方案设置", "Plan set-up"),
    "region": ("地区", "Region"),
    "year": ("年度", "Year"),
    "quotas": ("下达指标", "Quotas"),
    "maps_to": ("记入指标", "Recorded under"),
    "carried_over_from": ("沿用「{name}」", "carried over from “{name}”"),
    "auto_carried": ("自动：沿用「{name}」", "automatic: carried over from “{name}”"),
    "auto_new": ("自动：新指标", "automatic: new indicator"),
    "new_indicator": ("新指标", "new indicator"),
    "proposed": ("建议：沿用「{name}」（相似度{similarity:.2f}）", "proposed: carry over from “{name}” (similarity {similarity:.2f})"),
    "same_as_above": ("同上", "same as above"),
    "mapping_help": ("新版本的目标按相同名称或相同指标代码沿用已有指标（及已填报数据）；名称相近的只作建议，需在此确认。",
                     "Targets carry over a stored indicator (and its values) by the same name or code; similar names are only proposed and need your choice here."),
}

STATUS_WORDS: dict[str, tuple[str, str]] = {
    "draft": ("草稿", "draft"), "submitted": ("待审核", "submitted"), "accepted": ("已采纳", "accepted"),
    "returned": ("已退回", "returned"),
}

LEVEL_WORDS: dict[str, tuple[str, str]] = {
    "green": ("绿灯", "green"), "yellow": ("黄灯", "yellow"), "red": ("红灯", "red"), "none": ("无法评估", "n/a"),
}


def word(key: str, lang: str) -> str:
    zh, en = WORDS.get(key, (key, key))
    return en if lang == "en" else zh


def version_word(number: int, lang: str) -> str:
    return word("version", lang).format(n=number)


def status_word(status: str | None, lang: str) -> str:
    if status is None:
        return "—"
    zh, en = STATUS_WORDS.get(status, (status, status))
    return en if lang == "en" else zh


def level_word(level: str, lang: str) -> str:
    zh, en = LEVEL_WORDS.get(level, (level, level))
    return en if lang == "en" else zh
