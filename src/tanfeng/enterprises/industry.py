"""GB/T 4754-2017 industry codes (国民经济行业分类): a well-formed code, and the names of the 两高 classes.

A code is the section letter (门类) with 2, 3 or 4 digits (大类/中类/小类): C, C30, C301, C3011. Only the
classes the 两高 lists use are named here; any other well-formed code is accepted without a name.
"""

from __future__ import annotations

import re

_CODE = re.compile(r"^[A-T](\d{2}|\d{3}|\d{4})?$")

# The classes of energy-intensive industries that benchmark products belong to (names as in the standard).
NAMES: dict[str, str] = {
    "B06": "煤炭开采和洗选业",
    "C25": "石油、煤炭及其他燃料加工业",
    "C2511": "原油加工及石油制品制造",
    "C2521": "炼焦",
    "C26": "化学原料和化学制品制造业",
    "C2612": "无机碱制造",
    "C2613": "无机盐制造",
    "C2614": "有机化学原料制造",
    "C2619": "其他基础化学原料制造",
    "C2621": "氮肥制造",
    "C30": "非金属矿物制品业",
    "C3011": "水泥制造",
    "C3041": "平板玻璃制造",
    "C31": "黑色金属冶炼和压延加工业",
    "C3110": "炼铁",
    "C3120": "炼钢",
    "C32": "有色金属冶炼和压延加工业",
    "C3211": "铜冶炼",
    "C3216": "铝冶炼",
    "D44": "电力、热力生产和供应业",
    "D4411": "火力发电",
    "D4412": "热电联产",
}


def normalise_industry(code: str) -> tuple[str | None, tuple[str, str] | None]:
    """(code, None) for a well-formed GB/T 4754 code (upper-cased), else (None, (zh, en) reason)."""
    text = (code or "").strip().upper()
    if _CODE.match(text):
        return text, None
    return None, (f"行业代码“{code}”不符合GB/T 4754（如C3011）", f"industry code '{code}' is not GB/T 4754 (e.g. C3011)")


def industry_name(code: str | None) -> str | None:
    """The name of the code, or of the nearest named class above it (C30111 → C3011 …)."""
    while code:
        if code in NAMES:
            return NAMES[code]
        code = code[:-1] if len(code) > 3 else None
    return None
