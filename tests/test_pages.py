"""Page breaks: body resuming after a page's notes, notes continued on the next page, quotations kept whole."""

from __future__ import annotations

import pytest

from indexer.parse import parse_text
from indexer.parse.walker import LONG_NOTE

BODY = "本段正文說明同盟條約的文字，並且討論承諾的可信度與盟國之間的互動關係，以及其後的發展。" * 3


def test_markdown_body_after_a_notes_block_that_only_continues_a_note_is_body():
    """A page whose notes are only the rest of the previous page's last note: the body after them is body."""
    pages = ["## 一、前言", "甲說<sup>1</sup>，乙說<sup>2</sup>，丙說", "---",
             "<sup>1</sup> 王某，《甲書》，頁 3。", "<sup>2</sup> 關於此一爭議，學者之間的看法分歧，有認為應",
             "就是這樣的情形。" + BODY, "---", "從寬解釋者，亦有認為應從嚴解釋者。參見李某，《乙書》，頁 5。"]
    pages += [BODY.replace("本段", f"第{k}段") for k in range(10)] + ["## 二、結論", "結論。"]
    a = parse_text("\n\n".join(pages) + "\n", "t")
    assert a.footnote(2).text == "關於此一爭議，學者之間的看法分歧，有認為應從寬解釋者，亦有認為應從嚴解釋者。參見李某，《乙書》，頁 5。"
    assert [p.text[:3] for p in a.paragraphs] == ["甲說，", *[f"第{k}段" for k in range(10)], "結論。"]
    assert a.paragraphs[0].text.endswith("丙說就是這樣的情形。" + BODY)
    assert a.warnings == []


def test_plain_note_continued_at_the_top_of_the_next_pages_notes_without_indentation():
    text = ("壹、前言\n\n甲說¹，乙說²。\n\n¹ 王某，《甲書》，頁 3。\n\n² 關於此一爭議，學說上有主張應區分「核心"
            "\n\n3\n\n下一頁的正文繼續討論，並引用丙說³。\n\n"
            "領域」與「周邊領域」者，參見許某，《法與國家權力》，頁 121-139。\n\n³ 丙書，頁 9。\n\n"
            "再下一頁的正文。\n")
    a = parse_text(text, "t")
    assert a.footnote(2).text == ("關於此一爭議，學說上有主張應區分「核心領域」與「周邊領域」者，"
                                  "參見許某，《法與國家權力》，頁 121-139。")
    assert [p.text for p in a.paragraphs] == ["甲說，乙說。", "下一頁的正文繼續討論，並引用丙說。", "再下一頁的正文。"]


@pytest.mark.parametrize("body_open", [True, False])
def test_body_cut_mid_sentence_resumes_after_complete_notes(body_open):
    cut = "兩國關係的發展，受到國際情勢的影響" if body_open else "兩國關係的發展，受到國際情勢的影響。"
    text = f"壹、前言\n\n{cut}¹\n\n¹ 王某，《甲書》，頁 3。\n\n而有所變化。\n"
    a = parse_text(text, "t")
    assert a.footnote(1).text == "王某，《甲書》，頁 3。"
    assert [p.text for p in a.paragraphs] == ([cut + "而有所變化。"] if body_open else [cut, "而有所變化。"])


def test_a_note_that_grows_past_any_plausible_length_is_flagged():
    rest = "這是一段很長的文字，" * (LONG_NOTE // 9)
    text = f"壹、前言\n\n甲說¹\n\n---\n\n¹ 王某，《甲書》，\n\n---\n\n{rest}\n\n## 貳、結論\n\n結論。\n"
    a = parse_text(text, "t", "markdown")
    assert [w.split(":")[0] for w in a.warnings] == ["long note"]


VERSE = "　　　　論畫以形似，見與兒童鄰。賦詩必此詩，定非知詩人。"


@pytest.mark.parametrize("markdown", [False, True])
def test_a_quotation_cut_by_a_page_break_is_one_paragraph(markdown):
    first, second = ("> 論畫以形似，見與兒童鄰。", "> 詩畫本一律，天工與清新。") if markdown else (VERSE, "　　　　詩畫本一律，天工與清新。")
    rule = "---\n\n" if markdown else ""
    text = (f"壹、前言\n\n蘇軾〈書鄢陵王主簿所畫折枝〉云：\n\n{first}\n\n{rule}¹ 蘇軾，《蘇軾詩集》，卷 29。\n\n"
            f"{second}¹\n\n此詩的主張。\n")
    a = parse_text(text, "t", "markdown" if markdown else "text")
    quote = "論畫以形似，見與兒童鄰。" + ("" if markdown else "賦詩必此詩，定非知詩人。") + "詩畫本一律，天工與清新。"
    assert [p.text for p in a.paragraphs] == ["蘇軾〈書鄢陵王主簿所畫折枝〉云：", quote, "此詩的主張。"]


def test_in_an_indented_article_text_at_the_top_of_a_page_without_the_indent_continues_the_paragraph():
    long = "　　" + "本研究的資料來源是田野調查與文獻分析，兩者相互補充。" * 2
    text = (f"壹、前言\n\n{long}\n\n{long}這是一個句子的結束。¹\n\n¹ 王某，《甲書》，頁 3。\n\n12\n\n"
            f"這是同一段落在下一頁的延續。\n\n{long}\n")
    a = parse_text(text, "t")
    assert len(a.paragraphs) == 3
    assert a.paragraphs[1].text.endswith("這是一個句子的結束。這是同一段落在下一頁的延續。")


def test_a_long_hard_wrapped_paragraph_is_read_in_linear_time_and_kept_whole():
    import time

    line = "這是一段很長的文字沒有標點符號而且一直延續下去的段落內容"
    text = "壹、前言\n\n" + "\n".join([line] * 40_000) + "。\n"
    start = time.perf_counter()
    a = parse_text(text, "t")
    assert time.perf_counter() - start < 5  # about 1.5 s; joining pieces one by one took minutes
    assert [p.text for p in a.paragraphs] == [line * 40_000 + "。"]


def test_running_heads_at_the_top_of_pages_are_dropped_but_repeated_lines_inside_blocks_are_kept():
    head = "問題與研究　第 46 卷　第 4 期"
    page = "正文第{k}頁的內容，討論同盟承諾的可信度。"
    text = "壹、前言\n\n" + "\n\n".join(f"{head}\n\n{page.format(k=k)}\n\n{k + 1}" for k in range(4))
    text += "\n\n口號一再重複\n口號一再重複\n口號一再重複\n口號一再重複\n"
    a = parse_text(text, "t")
    assert [p.text for p in a.paragraphs] == [page.format(k=k) for k in range(4)] + ["口號一再重複" * 4]
