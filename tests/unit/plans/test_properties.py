"""Property-based tests: the reader never fails on arbitrary text, and noise does not change the result."""

from __future__ import annotations

import contextlib
import random

import opencc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tanfeng.plans import PlanReadError, read_bytes, read_text

SAMPLE = """关于印发《某某市碳达峰实施方案》的通知
某某市人民政府
2022年12月29日
某某市碳达峰实施方案
为深入贯彻落实《江西省碳达峰实施方案》（赣府发〔2022〕17号），制定本方案。
一、主要目标
到2025年，单位地区生产总值能源消耗较2020年下降13%，力争达到13.5%，非化石能源消费比重达到18.3%以上，单位地区生产总值二氧化碳排放确保完成省下达指标。到2030年，营运车辆、船舶单位换算周转量碳排放强度比2020年分别下降10%、5%，森林覆盖率稳定在67%以上，确保2030年前实现碳达峰。
二、重点任务
（一）能源绿色低碳转型行动
1.大力发展可再生能源。到2025年，风电、光伏发电装机容量力争达到250万千瓦以上。（责任单位：市发改委、住建局、自然资源局，各县（市、区）人民政府）
"""

cjk_text = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), max_size=200)
plan_alphabet = st.sampled_from(list("到年达下降提高比较万千瓦吨%．、，。；：（）《》“”一二三1234567890.责任单位县市省发改委局力争确保以上左右分别\n 　"))


def _read_or_reject(text: str) -> None:
    try:
        plan = read_text(text)
    except PlanReadError as err:
        assert "\n" not in str(err)
        return
    assert plan.to_json()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_reader_never_raises_on_arbitrary_text(text: str) -> None:
    _read_or_reject(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(plan_alphabet, max_size=400).map("".join), cjk_text)
def test_reader_never_raises_on_plan_like_noise(noise: str, words: str) -> None:
    _read_or_reject(noise + words + noise[::-1])


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=600))
def test_reader_never_raises_on_arbitrary_bytes(data: bytes) -> None:
    with contextlib.suppress(PlanReadError):
        read_bytes(data, "x.bin")


def _semantic(text: str) -> dict[str, object]:
    d = read_text(text).to_dict()
    d.pop("source")
    return d


def _inject_pinyin(text: str, rng: random.Random) -> str:
    syllables = ["fā", "zhǎn", "(mian)", "tàn", "dá", "fēng", "néng", "yuán"]
    out = []
    for ch in text:
        out.append(ch)
        if "\u4e00" <= ch <= "\u9fff" and rng.random() < 0.2:
            s = rng.choice(syllables).strip("()")
            out.append(rng.choice(["({})", "【{}】"]).format(s))
    return "".join(out)


def _add_spaces_and_widths(text: str, rng: random.Random) -> str:
    full = str.maketrans("0123456789%", "０１２３４５６７８９％")
    out = []
    for ch in text:
        if ch.isdigit() and rng.random() < 0.3:
            ch = ch.translate(full)
        out.append(ch)
        if ch == "年" and rng.random() < 0.5:
            out.append(" ")
    return "".join(out).replace("到2", "到 2")


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=0, max_value=10_000))
def test_traditional_pinyin_and_width_noise_give_the_same_plan(seed: int) -> None:
    rng = random.Random(seed)
    clean = _semantic(SAMPLE)
    noisy = opencc.OpenCC("s2t").convert(SAMPLE)
    noisy = _add_spaces_and_widths(_inject_pinyin(noisy, rng), rng)
    noisy = noisy.replace("，", rng.choice(["，", ",", ",、"]))
    assert _semantic(noisy) == clean


def test_sample_plan_is_read_as_expected() -> None:
    plan = read_text(SAMPLE)
    codes = [(t.code, t.value, t.year) for t in plan.targets if t.code]
    assert ("energy_intensity", 13, 2025) in codes and ("non_fossil_share", 18.3, 2025) in codes
    assert ("forest_coverage", 67, 2030) in codes and ("carbon_peak", None, 2030) in codes
    assert plan.tasks[0].units == ["市发改委", "市住建局", "市自然资源局", "各县（市、区）人民政府"]


_PIECES = ["序号", "重点任务", "牵头单位", "配合单位", "完成时限", "1", "2", "\t", "【牵头单位】", "【配合单位】", "市发改委",
           "各县（市、区）人民政府负责落实。", "重点实施“碳达峰十大行动”，包括", "等九大专项行动", "能源绿色低碳转型行动、",
           "2024年，", "2024—2025年，", "总装机", "创建30个", "的试点城市", "邢政字[2023]12号", "〔二〇二三〕", "12月13日",
           "【政策】", ".docx", "万盛经开区", "江干区", "于2030年前达到峰值", "\n", "。", "，", "（", "）", "、"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_PIECES), max_size=120).map("".join))
def test_reader_and_explain_never_raise_on_shuffled_plan_pieces(text: str) -> None:
    from tanfeng.plans.explain import explain_bytes

    _read_or_reject("某市碳达峰实施方案\n为贯彻落实国家部署制定本方案，推进全市碳达峰工作。\n" + text)
    with contextlib.suppress(PlanReadError):
        assert explain_bytes(("某市碳达峰实施方案\n" + text).encode("utf-8"), "x.txt")
