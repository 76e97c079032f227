from __future__ import annotations

import pytest

from tanfeng.regions.departments import display_name, unit_key, vocabulary


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("县发改委", "发改委"), ("发改委", "发改委"), ("县发展和改革委员会", "发改委"), ("上犹县发展和改革委员会", "发改委"),
        ("市场监管局", "市场监管局"), ("市场监督局", "市场监管局"), ("县市场监督管理局", "市场监管局"),
        ("县住建局", "住建局"), ("住房和城乡建设局", "住建局"), ("县委组织部（人才办）", "组织部"),
        ("县委宣传部", "宣传部"), ("宣传部", "宣传部"), ("国网上犹县供电公司", "供电公司"), ("供电公司", "供电公司"),
        ("县公安局交管大队", "公安局交管大队"), ("各乡（镇）", "各乡(镇)"),
    ],
)
def test_unit_key_folds_written_forms(written: str, key: str) -> None:
    assert unit_key(written, "上犹县") == key


def test_city_prefix_is_not_confused_with_words_starting_with_shi() -> None:
    assert unit_key("市市场监管局", "赣州市") == "市场监管局"
    assert unit_key("市场监管局", "赣州市") == "市场监管局"
    assert unit_key("市发改委", "赣州市") == "发改委"


def test_display_name_restores_the_level_prefix() -> None:
    assert display_name("发改委", "上犹县") == "县发改委"
    assert display_name("宣传部", "上犹县") == "县委宣传部"
    assert display_name("供电公司", "上犹县") == "供电公司"
    assert display_name("发改委", "章贡区") == "区发改委"


def test_vocabulary_file_loads_and_is_consistent() -> None:
    vocab = vocabulary()
    assert len(vocab.kinds) > 30
    for form, short in vocab.forms.items():
        assert short in vocab.kinds, form
    assert set(vocab.kinds.values()) <= {"government", "institution", "enterprise", "party", "office"}
