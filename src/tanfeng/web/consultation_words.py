"""Interface words of the consultation pages, Chinese (default) and English."""

from __future__ import annotations

from collections.abc import Callable

WORDS: dict[str, tuple[str, str]] = {
    "consultation": ("征求意见", "Consultation"),
    "rounds": ("征求意见轮次", "Consultation rounds"),
    "open_round": ("发起征求意见", "Open a consultation"),
    "draft_version": ("征求意见稿版本", "Draft version"),
    "kind": ("类型", "Kind"),
    "kind_public": ("公开征求意见", "Public consultation"),
    "kind_departments": ("部门征求意见", "Departments"),
    "opens_on": ("开始日期", "Opens"),
    "closes_on": ("截止日期", "Closes"),
    "channels": ("意见渠道", "Channels"),
    "ch_web": ("网上留言", "Web page"), "ch_email": ("电子邮件", "E-mail"), "ch_phone": ("电话", "Telephone"),
    "ch_letter": ("信函", "Letter"), "ch_official": ("公文", "Official letter"),
    "contact_policy": ("姓名和联系方式", "Name and contact"),
    "optional": ("选填", "optional"), "required": ("必填", "required"),
    "office_name": ("受理单位", "Receiving office"),
    "email": ("电子邮箱", "E-mail"), "phone": ("联系电话", "Telephone"), "address": ("通信地址", "Address"),
    "public_url": ("征求意见网址", "Public page address"),
    "create": ("创建", "Create"),
    "state_upcoming": ("未开始", "not yet open"), "state_open": ("征求中", "open"), "state_closed": ("已截止", "closed"),
    "comments": ("意见", "Comments"),
    "receipt": ("回执号", "Receipt"),
    "channel": ("渠道", "Channel"),
    "received_on": ("收到日期", "Received"),
    "about": ("涉及条目", "About"),
    "suggested": ("系统建议", "suggested"),
    "confirmed": ("已确认", "confirmed"),
    "text": ("意见内容", "Comment"),
    "submitter": ("意见人", "Commenter"),
    "name": ("姓名", "Name"), "contact": ("联系方式", "Contact"), "org": ("单位", "Organisation"),
    "unit": ("办理单位", "Department"),
    "opinion": ("部门意见", "Department's opinion"),
    "disposition": ("处理情况", "Disposition"),
    "reason": ("理由", "Reason"),
    "adopted": ("采纳", "adopted"), "partly": ("部分采纳", "partly adopted"), "rejected": ("未采纳", "not adopted"),
    "pending": ("待处理", "pending"),
    "merged_into": ("已合并到", "merged into"),
    "merge": ("合并到", "Merge into"), "unmerge": ("取消合并", "Unmerge"),
    "add_comment": ("录入意见（邮件、电话、信函、公文）", "Enter a comment (e-mail, telephone, letter, official)"),
    "save": ("保存", "Save"),
    "confirm_ref": ("确认涉及条目", "Confirm what it is about"),
    "assign": ("交办单位", "Assign to department"),
    "dispose": ("处理", "Dispose"),
    "give_opinion": ("填写部门意见", "Give the opinion"),
    "final_version": ("定稿版本", "Final version"),
    "set_final": ("指定定稿", "Set the final version"),
    "changes": ("修改对照", "Draft → final"),
    "change": ("修改", "Change"),
    "related": ("相关意见", "Related comments"),
    "linked": ("已关联", "Linked"),
    "link": ("关联", "Link"), "unlink": ("取消关联", "Unlink"),
    "downloads": ("下载", "Downloads"),
    "notice": ("征求意见通知（Word）", "Notice (Word)"),
    "report_public": ("意见采纳情况说明（公开版）", "Adoption statement (public)"),
    "report_internal": ("意见采纳情况说明（内部版，含联系方式）", "Adoption statement (internal, with contacts)"),
    "comparison": ("征求意见稿与定稿对照表", "Draft → final comparison"),
    "purge": ("删除意见人姓名和联系方式", "Erase commenters' names and contacts"),
    "purged": ("联系方式已删除", "contacts erased"),
    "purge_note": ("征求意见截止后可删除；删除后无法恢复，采纳情况不受影响。",
                   "Possible once the round closed; cannot be undone; dispositions stay."),
    "my_opinions": ("交办的征求意见", "Comments assigned to my unit"),
    "none": ("无", "none"),
    "back": ("返回", "Back"),
    "counts": ("处理情况统计", "By disposition"),
    "status_target": ("目标", "target"), "status_task": ("任务", "task"),
    "draft_ref": ("征求意见稿条目", "Draft"), "final_ref": ("定稿条目", "Final"),
    "edit": ("修改内容", "What changed"),
    "no_final": ("尚未指定定稿版本。导入定稿后在此指定。", "No final version yet: import it, then set it here."),
    "general": ("总体意见", "General"),
    "filter_all": ("全部", "all"),
    # the public page
    "open_consultations": ("正在征求意见", "Open consultations"),
    "no_open": ("目前没有正在征求意见的方案。", "No plan is open for comments at present."),
    "deadline": ("截止日期", "Deadline"),
    "how_to": ("在下列各条下方展开“提出意见”填写，可同时对多条提出意见，最后统一提交。",
               "Open “Comment” under any part below; you may comment on several parts and submit once."),
    "comment_here": ("提出意见", "Comment"),
    "comment_target": ("对此目标提出意见", "Comment on this target"),
    "general_box": ("总体意见和建议", "General comments"),
    "your_details": ("您的信息", "Your details"),
    "details_note": ("姓名和联系方式仅供受理单位沟通使用，不会公开，征求意见结束后删除。",
                     "Your name and contact are seen only by the receiving office, never published, and erased "
                     "after the consultation."),
    "question": ("验证问题（请用数字或汉字作答）", "Check question (answer in digits)"),
    "submit_comments": ("提交意见", "Submit"),
    "thanks": ("感谢您的意见", "Thank you"),
    "receipt_note": ("请保存回执号，以便查询处理情况。", "Keep the receipt numbers for reference."),
    "other_ways": ("其他提交方式", "Other ways to comment"),
    "closed_note": ("本次征求意见不在网上受理期内。", "This consultation does not take comments online now."),
    "leave": ("请勿填写此栏", "Leave this empty"),
    "max_chars": ("每条不超过{n}字", "at most {n} characters each"),
}


def words(lang: str) -> Callable[[str], str]:
    """The lookup a template calls as ``w('key')``."""
    index = 1 if lang == "en" else 0

    def w(key: str) -> str:
        pair = WORDS.get(key)
        return pair[index] if pair else key

    return w
