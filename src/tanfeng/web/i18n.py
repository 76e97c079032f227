"""Interface words in Chinese (default) and English; data (plan text, unit names) is shown as stored.

One language at a time: every label a page shows comes from here in the page's language (never a
"中文 / English" pair); audit entries and history actions are put into words, not codes or ``{}``.
"""

from __future__ import annotations

import re
from typing import Any

WORDS: dict[str, tuple[str, str]] = {
    "app": ("碳峰 · 碳达峰实施方案工作台", "tanfeng · carbon-peaking plan workspace"),
    "brand": ("碳峰", "tanfeng"),
    "overview": ("总览", "Overview"),
    "plan": ("方案", "Plan"),
    "matrix": ("责任矩阵", "Responsibility matrix"),
    "workspace": ("本单位填报", "My unit"),
    "review": ("审核", "Review"),
    "admin": ("单位与账号", "Units & accounts"),
    "upload_plan": ("上传方案", "Upload plan"),
    "inventory": ("温室气体清单", "Inventory"),
    "audit": ("操作日志", "Audit log"),
    "consultation": ("征求意见", "Consultation"),
    "my_consultation": ("交办的征求意见", "Comments to answer"),
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
    # page labels (one language per page)
    "name": ("姓名", "Name"), "role": ("角色", "Role"), "last_login": ("上次登录", "Last login"),
    "new_password": ("新密码", "New password"), "reset": ("重置", "Reset"), "deactivate": ("停用", "Deactivate"),
    "activate": ("启用", "Activate"), "active": ("启用", "Active"), "inactive": ("停用", "Inactive"),
    "new_account": ("新建账号", "New account"), "choose_unit_option": ("（单位）", "(unit)"),
    "create": ("创建", "Create"), "region": ("地区", "Region"), "unit_name": ("名称", "Name"),
    "aliases": ("别名", "Aliases"), "add_alias": ("添加别名", "Add alias"), "alias": ("别名", "Alias"),
    "unit": ("单位", "Unit"), "save": ("保存", "Save"), "rename_unit": ("单位更名", "Rename unit"),
    "old_name": ("原名", "Current name"), "new_name": ("新名", "New name"), "email": ("邮箱", "E-mail"),
    "time": ("时间", "Time"), "user": ("用户", "User"), "action": ("操作", "Action"), "entity": ("对象", "Object"),
    "detail": ("详情", "Details"), "client": ("来源", "Client"), "prev_page": ("← 上一页", "← Previous"),
    "next_page": ("下一页 →", "Next →"), "back_home": ("← 返回总览", "← Back to the overview"),
    "source": ("来源", "Source"), "illustrative": ("示例数据，非官方统计", "illustrative data, not official statistics"),
    "factors": ("因子", "Factors"), "recorded_values": ("已记为方案指标填报值", "Recorded as the plan's values"),
    "compute_activity": ("核算活动水平数据", "Compute activity data"),
    "record_as_values": ("记为方案指标的填报值", "Record as the plan's values"), "compute": ("核算", "Compute"),
    "inventory_template": ("模板：命令行 tanfeng inventory template", "Template: tanfeng inventory template"),
    "sector_t": ("部门（吨二氧化碳当量）", "Sector (t CO₂e)"),
    "energy_use": ("能源消费总量（吨标准煤，等价值）", "Energy use (tce, equivalent value)"),
    "report_year": ("评估年度", "Year"), "html": ("网页", "Web page"), "overdue_count": ("逾期", "Overdue"),
    "returned_count": ("退回", "Returned"), "search_placeholder": ("任务、单位或指标", "Task, unit or indicator"),
    "plan_targets": ("总体目标", "Plan-wide targets"), "text": ("原文", "Text"), "no_plan": ("尚无方案", "No plan stored"),
    "read": ("读取", "Read"), "read_hint": ("读取后先核对提取结果，可修改目标与责任单位，确认后才保存。",
                                        "Check what was read and correct targets and units: nothing is stored until you confirm."),
    "title": ("标题", "Title"), "source_sentence": ("原文", "Source sentence"),
    "assigned": ("上级下达", "Assigned from above"), "tasks_units": ("任务与责任单位", "Tasks and units"),
    "all_units": ("全部单位（、分隔）", "All units (separated by 、)"), "confirm_save": ("确认保存", "Confirm and save"),
    "accept_selected": ("采纳所选", "Accept selected"), "reporting_unit": ("填报单位", "Reporting unit"),
    "return_reason": ("退回理由", "Reason for returning"), "quota_value": ("下达值", "Quota"),
    "not_entered": ("待录入", "Not entered"), "enter_or_edit": ("录入或修改", "Enter or edit"),
    "source_document": ("依据文号", "Source document"), "versions_of_target": ("方案各版本中的目标", "The target in each plan version"),
    "version_col": ("版本", "Version"), "imported_by": ("导入人", "Imported by"), "who": ("操作人", "By"),
    "switch": ("切换", "Switch"), "note": ("说明", "Note"), "upload_button": ("上传", "Upload"), "task": ("任务", "Task"),
    "progress_text": ("进展说明", "Progress"), "choose_unit": ("请选择单位", "Choose a unit"),
    "peak_by": ("{year}年前实现碳达峰", "peak by {year}"), "peak_short": ("{year}年前碳达峰", "peak by {year}"),
    "lead_mark": ("（牵头）", " (lead)"), "meet_quota": ("（完成上级下达指标）", " (meet the quota from above)"),
    "demo_tag": ("示例数据", "demo data"), "quota_from_above": ("上级下达", "assigned from above"),
    "chart_expected": ("应达路径", "Expected path"), "chart_observed": ("实际值", "Reported values"),
    "chart_target": ("目标值", "Target"), "chart_stretch": ("力争值", "Stretch"),
    "chart_reduction": ("{title}（较{year}年累计下降，%）", "{title} (cumulative reduction vs {year}, %)"),
    "chart_increase": ("{title}（较{year}年累计提高，%）", "{title} (cumulative increase vs {year}, %)"),
    "axis_reduction": ("累计下降（%）", "Cumulative reduction (%)"),
    "axis_increase": ("累计提高（%）", "Cumulative increase (%)"),
    "no_chart": ("{title}：{reasons}，暂无图表。", "No chart for {title}: {reasons}."),
    "chart_note": ("{reasons}，图中仅有应达路径。", "{reasons}: the chart shows the expected path only."),
    "chart_no_path": ("{reasons}，图中没有应达路径。", "{reasons}: the chart has no expected path."),
    "no_values": ("尚无填报数据", "no reported values yet"), "no_target": ("尚无目标值", "no target value"),
    "no_base_year": ("缺少基期年", "no base year"), "no_base_value": ("缺少{year}年基期值", "no {year} base value"),
    "stretch": ("力争", "stretch"),
    # the entry form (填报口径 and checks)
    "basis": ("填报口径", "Reporting basis"), "base_year_value": ("基期", "Base"),
    "earlier_values": ("以往数值", "Earlier values"), "expected_now": ("本期应达值", "Expected now"),
    "submit_draft": ("提交此草稿", "Submit this draft"), "entry_note": ("备注", "Note"),
    "fix_entries": ("有{n}项填报未通过校验，未保存；原因见各项旁", "Entries failing the checks: {n}. Nothing was saved; "
                    "the reasons are beside them"),
    "period_refused": ("期间“{asked}”不可填报，已显示{shown}", "Period '{asked}' cannot be reported; showing {shown}"),
    "draft_hint": ("草稿不进入审核，勾选“提交此草稿”或修改后提交才进入审核",
                   "A draft is not reviewed until you tick 'Submit this draft' or change it and submit"),
    "reminders": ("催报", "Reminders"), "notices": ("催报提醒", "Reminders"),
    "notices_none": ("本单位暂无待报事项。", "Nothing is due from this unit."),
    "due_on": ("截止日期", "Due"), "opens_on": ("开始填报", "Opens"), "owed_items": ("待报事项", "Items due"),
    "state_overdue": ("已逾期{days}天", "overdue by {days} days"), "state_open": ("还有{days}天截止", "{days} days left"),
    "sent_reminders": ("已发送的催报", "Reminders sent"), "run_reminders": ("立即发送到期的催报", "Send the reminders due now"),
    "recipients": ("收件人", "Recipients"), "subject": ("主题", "Subject"), "periods": ("期间", "Periods"),
    "deadlines": ("填报截止日期", "Reporting deadlines"), "set_deadline": ("设置截止日期", "Set a deadline"),
    "units_owing": ("未报单位", "Units owing"), "no_mail": ("未配置邮件服务器：只发站内提醒。",
                                                         "No mail server configured: in-app notices only."),
    "merge_title": ("确认合并单位", "Confirm merging units"),
    "merge_intro": ("别名“{alias}”已属于单位“{source}”。登记后，“{source}”将合并到“{target}”：",
                    "The alias “{alias}” already belongs to “{source}”. Registering it merges “{source}” into “{target}”:"),
    "merge_aliases": ("移交别名 {n} 个：", "{n} aliases move: "),
    "merge_responsibilities": ("移交任务职责 {n} 项", "{n} task responsibilities move"),
    "merge_assignments": ("移交指标分工 {n} 项", "{n} indicator assignments move"),
    "merge_values": ("其填报值 {values} 个、账号 {accounts} 个随之归入“{target}”",
                     "its {values} values and {accounts} accounts go to “{target}”"),
    "merge_confirm": ("确认合并", "Merge"), "cancel": ("取消", "Cancel"),
    "confidence": ("把握", "Confidence"), "least_certain_first": ("把握较低的先列出，请先核对。", "Least certain first: check these first."),
    "report_format": ("格式", "Format"), "select_all": ("全选", "Select all"),
    "item_value": ("指标数据", "Value"), "item_progress": ("任务进展", "Progress report"),
    "recent_reminders": ("最近的催报", "Recent reminders"), "plan_col": ("方案", "Plan"),
    "account_admin": ("系统管理员", "Administrator"), "account_office": ("领导小组办公室", "Leading-group office"),
    "account_unit": ("责任单位", "Responsible unit"), "account_viewer": ("只读用户", "Read-only user"),
    "account_enterprise": ("企业", "Enterprise"),
    "enterprises": ("重点企业", "Key enterprises"), "projects": ("两高项目", "High-energy projects"),
    "my_enterprise": ("本企业", "My enterprise"), "enterprise_import": ("企业与项目导入", "Import enterprises and projects"),
    "mail_to_unit": ("单位账号的邮箱在“单位与账号”中登记。", "Unit accounts' e-mail addresses are kept under Units & accounts."),
    "choose_plan": ("当前方案", "Plan"),
    "library": ("方案库", "Plan library"),
    "alignment": ("上下对标", "Vertical alignment"),
    "rollup": ("下级汇总", "Roll-up"),
    "setup": ("方案设置", "Plan set-up"),
    "year": ("年度", "Year"),
    "quotas": ("下达指标", "Quotas"),
    "maps_to": ("记入指标", "Recorded under"),
    "carried_over_from": ("沿用「{name}」", "carried over from “{name}”"),
    "auto_carried": ("自动：沿用「{name}」", "automatic: carried over from “{name}”"),
    "auto_new": ("自动：新指标", "automatic: new indicator"),
    "new_indicator": ("新指标", "new indicator"),
    "proposed": ("建议：沿用「{name}」（相似度{similarity:.2f}）", "proposed: carry over from “{name}” (similarity {similarity:.2f})"),
    "same_as_above": ("同上", "same as above"),
    "attachments": ("佐证材料", "Supporting documents"), "attach_file": ("上传佐证材料", "Upload a document"),
    "file_name": ("文件名", "File name"), "file_size": ("大小", "Size"), "file_kind": ("类型", "Type"),
    "uploaded_by": ("上传人", "Uploaded by"), "uploaded_at": ("上传时间", "Uploaded"), "withdraw": ("撤回", "Withdraw"),
    "no_attachments": ("尚无佐证材料", "No documents yet"), "choose_file": ("选择文件", "Choose a file"),
    "attach_hint": ("可上传PDF、图片、Word、Excel、PowerPoint或OpenDocument文件；类型按文件内容核验，含宏的文件不予接收。",
                    "PDF, images, Word, Excel, PowerPoint or OpenDocument files; the type is checked from the content and "
                    "files with macros are refused."),
    "back_to_workspace": ("← 返回填报", "← Back to my unit"),
    "previous_value": ("上期值", "Previous period"),
    "data_source": ("数据来源", "Data source"), "replaced": ("原报", "was"), "filter": ("筛选", "Filter"),
    "all": ("全部", "All"), "page_of": ("第{page}页，共{pages}页（{first}–{last}，共{total}项）",
                                        "page {page} of {pages} ({first}–{last} of {total})"),
    "clear_filters": ("清除筛选", "Clear filters"), "select_row": ("选择：{what}", "Select: {what}"),
    "accept_hint": ("用 Tab 移到复选框，空格勾选，再按“采纳所选”；每项按您看到的版本采纳，期间被修改的不会采纳。",
                    "Tab to a checkbox, Space to tick it, then “Accept selected”; each is accepted as you see it, "
                    "and one changed meanwhile is not."),
    "stale_review": ("以下{n}项在您打开本页后已被修改，本次未采纳任何一项，请核对后重试：{items}",
                     "{n} of them changed after you opened this page, so none was accepted; check and retry: {items}"),
    "now_value": ("现为{value}", "now {value}"), "per_page": ("每页", "Per page"),
    "attachment_count": ("佐证材料{n}份", "{n} documents"),
    "error_403": ("无权访问", "Not allowed"), "error_404": ("找不到页面", "Page not found"),
    "error_405": ("请求方式不对", "Wrong kind of request"), "error_409": ("内容已被他人修改", "Changed meanwhile"),
    "error_422": ("未能完成：输入有误", "Not done: the input has a problem"),
    "error_429": ("尝试过多", "Too many attempts"), "error_500": ("服务器出错", "Server error"), "error_other": ("未能完成", "Not done"),
    "export_excel": ("导出Excel", "Export to Excel"), "exported_at": ("导出时间：{time}", "Exported {time}"),
    "export_cut": ("只导出了前{n}行，请缩小筛选范围", "Only the first {n} rows were exported; narrow the filters"),
    "indicator_page": ("指标", "Indicator"),
    "seen_version": ("审核时版本", "version reviewed"), "old_region": ("原地区", "previous region"),
    "plan_version": ("方案版本", "plan version"),
    "menu": ("菜单", "Menu"), "busy": ("正在处理，请稍候…", "Working, please wait…"),
    "my_account": ("我的账号", "My account"), "change_password": ("修改密码", "Change password"),
    "current_password": ("当前密码", "Current password"), "repeat_password": ("再次输入新密码", "New password again"),
    "password_rule": ("新密码至少{n}位。修改后，其他设备上的登录将失效。",
                      "At least {n} characters. Other devices logged in to this account are logged out."),
    "api_tokens": ("API令牌", "API tokens"),
    "api_tokens_help": ("供能耗在线监测平台等系统调用接口：请求头写 Authorization: Bearer 令牌。令牌代表本账号，权限与本账号相同；只在生成时显示一次。",
                        "For systems such as an energy monitoring platform calling the API: send the header Authorization: Bearer followed by the token. A token acts as this account, with its permissions, and is shown only once, when it is made."),
    "token_name": ("用途", "Purpose"), "token_days": ("有效期", "Valid for"), "token_no_expiry": ("长期有效", "no expiry"),
    "token_days_n": ("{n}天", "{n} days"), "token_create": ("生成令牌", "Make a token"),
    "token_hint": ("开头", "Begins"), "token_created": ("生成时间", "Made"), "token_expires": ("到期", "Expires"),
    "token_last_used": ("最近使用", "Last used"), "token_state": ("状态", "State"), "token_revoke": ("吊销", "Revoke"),
    "token_active": ("有效", "active"), "token_expired": ("已过期", "expired"), "token_revoked": ("已吊销", "revoked"),
    "token_new": ("新令牌（只显示这一次，请立即复制保存）", "New token (shown only this once: copy it now)"),
    "token_none": ("尚无令牌", "No tokens yet"),
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


# Audit log actions, observation history actions and the names of audit details, in words.
ACTION_WORDS: dict[str, tuple[str, str]] = {
    "login": ("登录", "logged in"), "login_failed": ("登录失败", "failed login"), "logout": ("退出", "logged out"),
    "submit_values": ("报送指标数据", "submitted values"), "task_progress": ("报送任务进展", "reported task progress"),
    "upload_template": ("上传填报模板", "uploaded a template"), "set_quota": ("录入下达指标", "entered a quota"),
    "create_account": ("新建账号", "created an account"), "update_account": ("修改账号", "changed an account"),
    "rename_unit": ("单位更名", "renamed a unit"), "alias_unit": ("添加单位别名", "added a unit alias"),
    "annual_report": ("生成年度评估报告", "generated the annual report"),
    "record_inventory": ("清单结果记为填报值", "recorded inventory results"), "import_plan": ("导入方案", "imported a plan"),
    "review_accept": ("采纳", "accepted"), "review_return": ("退回", "returned"),
    "remind": ("发送催报", "sent reminders"), "set_deadline": ("设置截止日期", "set a deadline"),
    "attach": ("上传佐证材料", "uploaded a document"), "withdraw_attachment": ("撤回佐证材料", "withdrew a document"),
    "download_attachment": ("下载佐证材料", "downloaded a document"),
    "consultation_open": ("发起征求意见", "opened a consultation"),
    "consultation_comment": ("登记意见", "registered a comment"),
    "consultation_public_comment": ("网上提交意见", "comments sent on the public page"),
    "consultation_ref": ("确认意见涉及条目", "confirmed what a comment is about"),
    "consultation_assign": ("交办意见", "assigned a comment"),
    "consultation_opinion": ("提出部门意见", "gave a department's opinion"),
    "consultation_dispose": ("处理意见", "disposed of a comment"),
    "consultation_merge": ("合并意见", "merged comments"),
    "consultation_link": ("关联方案修改", "linked a plan change"),
    "consultation_unlink": ("取消关联方案修改", "unlinked a plan change"),
    "consultation_final": ("确定正式稿", "set the final version"),
    "consultation_purge": ("删除意见人姓名和联系方式", "erased commenters' names and contacts"),
    "consultation_report": ("生成意见采纳情况报告", "generated the consultation report"),
    "import_enterprises": ("导入企业名录", "imported the enterprise list"),
    "import_projects": ("导入两高项目", "imported the project list"),
    "edit_enterprise": ("修改企业信息", "edited an enterprise"), "project_status": ("更新项目状态", "changed a project's status"),
    "energy_upload": ("上传企业能源数据", "uploaded energy data"), "energy_push": ("接口报送能源数据", "energy data sent by API"),
    "energy_month": ("报送月度能源数据", "submitted a month's energy data"),
    "measure_add": ("新增一企一策措施", "added a reduction measure"),
    "measure_update": ("更新一企一策措施", "updated a reduction measure"),
    "measure_progress": ("报告措施进展", "reported a measure's progress"),
    "region_energy_year": ("录入地区年度能耗", "entered a region's energy year"),
    "assign_quotas": ("向下级下达指标", "assigned quotas to a region"),
    "add_unit": ("新增责任单位", "added a unit"), "assign_units": ("设置指标责任单位", "set an indicator's units"),
    "set_task_units": ("设置任务责任单位", "set a task's units"), "set_baseline": ("设置基期值", "set a baseline"),
    "set_frequency": ("设置填报频次", "set the reporting frequency"),
    "set_current_version": ("设为现行版本", "set the current version"),
    "archive_plan": ("归档方案", "archived a plan"), "unarchive_plan": ("取消归档", "restored a plan"),
    "delete_plan": ("删除方案", "deleted a plan"),
    "move_enterprise_account": ("企业账号随企业迁入新地区", "moved an enterprise account with its enterprise"),
    "export_table": ("导出Excel", "exported a table"), "change_own_password": ("修改本人密码", "changed own password"),
    "create_api_token": ("生成API令牌", "made an API token"), "revoke_api_token": ("吊销API令牌", "revoked an API token"),
    # observation history
    "create": ("新填报", "entered"), "update": ("修改", "changed"), "accept": ("采纳", "accepted"),
    "return": ("退回", "returned"), "submit": ("提交", "submitted"), "draft": ("保存草稿", "saved as draft"),
}
ENTITY_WORDS: dict[str, tuple[str, str]] = {
    "user": ("账号", "account"), "unit": ("单位", "unit"), "task": ("任务", "task"), "file": ("文件", "file"),
    "indicator": ("指标", "indicator"), "plan": ("方案", "plan"), "observation": ("填报值", "value"),
    "reminder": ("催报", "reminder"), "attachment": ("佐证材料", "document"), "api_token": ("API令牌", "API token"),
    "region": ("地区", "region"), "enterprise": ("企业", "company"), "project": ("项目", "project"),
    "enterprise_measures": ("一企一策措施", "reduction measure"), "measure_progress": ("措施进展", "measure progress"),
    "region_energy_years": ("地区年度能耗", "regional energy year"),
    "consultation": ("征求意见", "consultation"), "consultation_comment": ("意见", "comment"),
    "enterprise_energy": ("企业能源数据", "energy data"),
}
DETAIL_WORDS: dict[str, tuple[str, str]] = {
    "username": ("用户名", "user name"), "role": ("角色", "role"), "unit_id": ("单位编号", "unit no."),
    "values": ("填报值", "values"), "indicator_id": ("指标编号", "indicator no."), "draft": ("草稿", "draft"), "plan_id": ("方案编号", "plan no."),
    "task": ("任务", "task"), "period": ("期间", "period"), "status": ("状态", "status"),
    "filename": ("文件", "file"), "created": ("新增", "new"), "updated": ("更新", "updated"),
    "target": ("目标", "target"), "value": ("数值", "value"), "unit": ("单位", "unit"), "note": ("说明", "note"),
    "password_changed": ("改了密码", "password changed"), "page": ("页面", "page"), "query": ("筛选", "filters"),
    "other_sessions_ended": ("结束其他登录", "other sessions ended"), "active": ("启用", "active"), "old": ("原名", "old"),
    "new": ("新名", "new"), "alias": ("别名", "alias"), "year": ("年度", "year"), "format": ("格式", "format"),
    "title": ("标题", "title"), "version": ("版本", "version"), "corrected": ("经人工核对", "corrected"),
    "ids": ("编号", "ids"), "accounts_moved": ("随企业迁移的账号", "accounts moved"),
    "old_region_id": ("原地区编号", "previous region no."), "file": ("文件", "file"),
    "receipt": ("回执号", "receipt"), "receipts": ("回执号", "receipts"), "channel": ("渠道", "channel"),
    "channels": ("渠道", "channels"), "kind": ("类型", "kind"), "opens_on": ("开始", "opens"),
    "closes_on": ("截止", "closes"), "ref": ("涉及条目", "about"), "refs": ("涉及条目", "about"),
    "into": ("并入", "merged into"), "disposition": ("处理情况", "disposition"), "comments": ("意见数", "comments"),
    "change": ("方案修改", "plan change"), "label": ("说明", "label"), "round_id": ("轮次编号", "round no."),
    "version_id": ("版本编号", "version no."),
    "reason": ("理由", "reason"), "messages": ("条数", "messages"), "mails": ("邮件", "mails"),
    "recorded": ("记录", "recorded"), "skipped": ("跳过", "skipped"), "due_on": ("截止", "due"),
    "size": ("大小", "size"), "sha256": ("校验值", "checksum"), "versions": ("版本", "versions"),
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


def action_word(action: str, lang: str) -> str:
    """An audit or history action in words (登录, 采纳); an unknown code is shown as it is."""
    zh, en = ACTION_WORDS.get(action, (action, action))
    return en if lang == "en" else zh


def entity_word(entity: str | None, lang: str) -> str:
    if not entity:
        return ""
    zh, en = ENTITY_WORDS.get(entity, (entity, entity))
    return en if lang == "en" else zh


def _detail_value(value: Any, lang: str) -> str:
    if isinstance(value, bool):
        return ("yes" if value else "no") if lang == "en" else ("是" if value else "否")
    if isinstance(value, list):
        return ("、" if lang != "en" else ", ").join(_detail_value(v, lang) for v in value) or "—"
    if isinstance(value, dict):
        return detail_words(value, lang)
    return "—" if value is None or value == "" else str(value)


def detail_words(detail: dict[str, Any] | None, lang: str) -> str:
    """An audit entry's details as "用户名：li；角色：unit" (— when there are none), never ``{}``."""
    if not detail:
        return "—"
    parts = []
    for key, value in detail.items():
        zh, en = DETAIL_WORDS.get(key, (key, key))
        parts.append(f"{en}: {_detail_value(value, lang)}" if lang == "en" else f"{zh}：{_detail_value(value, lang)}")
    return ("; " if lang == "en" else "；").join(parts)


_CJK = re.compile(r"[\u4e00-\u9fff]")
_PAIR = re.compile(r"\s*/\s+(?=[A-Za-z0-9'\"(])")


def message(text: str, lang: str) -> str:
    """A bilingual message ("中文 / English", as errors and notices are stored) in the page's language.

    Only a text with one such split is taken apart (the English half may name Chinese data); anything
    else (a path, a fraction, plan text) is shown as it is.
    """
    splits = list(_PAIR.finditer(text))
    if len(splits) != 1:
        return text
    zh, en = text[:splits[0].start()], text[splits[0].end():]
    if not _CJK.search(zh) or not en.strip():
        return text
    return en if lang == "en" else zh


def interface_words(lang: str) -> set[str]:
    """Every interface word of one language (for tests: the other language's pages must not show them)."""
    index = 1 if lang == "en" else 0
    tables = (WORDS, STATUS_WORDS, LEVEL_WORDS, ACTION_WORDS, ENTITY_WORDS)
    return {pair[index] for table in tables for pair in table.values()}
