from __future__ import annotations

from tanfeng.text.normalise import normalise, to_simplified


def test_traditional_becomes_simplified_and_script_is_reported() -> None:
    out = normalise("到2025年，單位地區生產總值能源消耗比2020年下降14%，非化石能源占能源消費總量比重達到20%。")
    assert "单位地区生产总值能源消耗" in out.text
    assert "能源消费总量比重达到20%" in out.text
    assert out.script == "traditional"


def test_simplified_text_is_left_alone() -> None:
    text = "到2025年，单位地区生产总值能源消耗较2020年下降13%。"
    out = normalise(text)
    assert out.text == text
    assert out.script == "simplified"


def test_injected_pinyin_is_removed_in_all_bracket_styles() -> None:
    out = normalise("發(fā)展(zhan)(zhan)和(he)綠色低(di)碳，实【shí】施【shī】方【fāng】案")
    assert out.text == "发展和绿色低碳，实施方案"


def test_real_parentheticals_survive_pinyin_removal() -> None:
    out = normalise("单位生产总值(GDP)能耗下降13.5%；各区县(市)人民政府")
    assert "（GDP）" in out.text or "(GDP)" in out.text
    assert "各区县（市）人民政府" in out.text


def test_full_width_digits_and_spaces_in_numbers() -> None:
    out = normalise("到 ２０２５ 年，森林覆盖率达到 ８１.８ ％ 以上")
    assert out.text == "到2025年，森林覆盖率达到81.8%以上"


def test_stray_punctuation_runs_collapse_to_the_strongest_mark() -> None:
    assert normalise("能源结构明显优化,、重点行业,。效率提高").text == "能源结构明显优化，重点行业。效率提高"


def test_ascii_punctuation_in_chinese_text_becomes_full_width_but_numbers_keep_theirs() -> None:
    out = normalise("各区人民政府,市政府各委、办、局:装机达到1,200万千瓦;(责任单位:市发改委)")
    assert out.text == "各区人民政府，市政府各委、办、局：装机达到1,200万千瓦；（责任单位：市发改委）"


def test_pdf_line_breaks_inside_sentences_are_joined() -> None:
    raw = ("为深入贯彻落实党中央、国务院和自治区党委、政府关\n于碳达峰碳中和的重大战略决策部署，扎实推进全市碳达\n"
           "峰工作，制定本实施方案。\n一、总体要求\n")
    lines = normalise(raw * 3).text.split("\n")
    assert "为深入贯彻落实党中央、国务院和自治区党委、政府关于碳达峰碳中和的重大战略决策部署，扎实推进全市碳达峰工作，制定本实施方案。" in lines
    assert "一、总体要求" in lines


def test_headings_are_not_glued_to_long_lines() -> None:
    raw = "这是一个很长的句子没有结束标点并且长度超过四十个字符用来测试换行合并规则是否正确处理标题行\n（一）能源绿色低碳转型行动"
    assert normalise(raw).text.split("\n")[-1] == "（一）能源绿色低碳转型行动"


def test_conversion_artefacts_page_marks_and_source_headers_dropped() -> None:
    raw = "SOURCE: http://example.org/x\n[excerpt as retrieved]\n[bookmark: _Hlk1]1.大力发展可再生能源。\n- 2 -\n第3页\n"
    assert normalise(raw).text == "1.大力发展可再生能源。"


def test_question_mark_mojibake_removed() -> None:
    assert normalise("发?文?字?号?:西青政发〔2023〕5号").text == "发文字号：西青政发〔2023〕5号"


def test_to_simplified_mixed_script() -> None:
    _, script = to_simplified("这是简体中文的一段文字，里面只有一个繁體字和很多很多很多很多很多很多很多很多很多很多很多很多的简体字" * 3)
    assert script in ("mixed", "simplified")


def test_breaks_inside_annotations_headings_and_before_punctuation_are_joined() -> None:
    raw = "为完整、准确、全面贯彻新发展理念，做好碳(t\nan)中和工作\n，统筹推进。\n3.加快绿色交通基础设施建\n设。将绿色低碳理念贯穿始终。\n"
    assert normalise(raw).text == "为完整、准确、全面贯彻新发展理念，做好碳中和工作，统筹推进。\n3.加快绿色交通基础设施建设。将绿色低碳理念贯穿始终。"


def test_brackets_split_by_a_break_are_rejoined_before_punctuation_rules() -> None:
    raw = "关于印发重庆市能源发展“十四五”规划(2\n021—2025年)的通知"
    assert normalise(raw).text == "关于印发重庆市能源发展“十四五”规划（2021—2025年）的通知"


def test_short_equal_lines_are_not_mistaken_for_a_wrap_width() -> None:
    heads = ["关于印发某某市碳达峰实施方案通知", "某某市人民政府办公室文件发布单位", "二〇二二年十二月二十九日印发稿件",
             "某某市碳达峰实施方案正文部分内容", "第一部分主要目标和重点任务安排", "第二部分重点任务和保障措施安排"]
    body = "为深入贯彻落实党中央国务院关于碳达峰碳中和的重大战略决策部署，推动经济社会发展全面绿色转型。" * 5
    out = normalise("\n".join([*heads, body])).text.split("\n")
    assert out[:6] == heads
