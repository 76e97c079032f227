"""统一社会信用代码 (unified social credit code, GB 32100-2015), checked with python-stdnum's ``cn.uscc``."""

from __future__ import annotations

from stdnum import exceptions
from stdnum.cn import uscc


def normalise_uscc(value: str) -> tuple[str | None, tuple[str, str] | None]:
    """(the code in its compact upper-case form, None) when valid; (None, (zh, en) reason) when not."""
    text = (value or "").strip()
    if not text:
        return None, ("统一社会信用代码为空", "the unified social credit code is empty")
    try:
        return uscc.validate(text), None
    except exceptions.InvalidLength:
        return None, (f"统一社会信用代码“{text}”应为18位", f"credit code '{text}' must have 18 characters")
    except exceptions.InvalidChecksum:
        return None, (f"统一社会信用代码“{text}”校验位不对", f"credit code '{text}': wrong check character")
    except exceptions.ValidationError:
        return None, (f"统一社会信用代码“{text}”格式不对", f"credit code '{text}' is malformed")


def uscc_with_check(first17: str) -> str:
    """The 18-character code for its first 17 characters (its check character computed): for generated data."""
    return first17 + uscc.calc_check_digit(first17)
