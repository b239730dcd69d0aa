"""Every user interface string in one table, in Traditional Chinese and English.

The language comes from ``?lang=`` (remembered in a cookie), else the cookie,
else Traditional Chinese. Templates call ``t(name)``.

>>> text("search", "en"), text("search", "zh")
('Search', '搜尋')
>>> text("n_results", "en", n=3)
'3 passages'
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import g, request, url_for

LANGS = ("zh", "en")
HTML_LANG = {"zh": "zh-Hant", "en": "en"}
COOKIE = "lang"

STRINGS: dict[str, tuple[str, str]] = {
    # site
    "site_name": ("檢索", "Jiansuo"),
    "tagline": ("中文學術文章雙語檢索", "Bilingual search for Chinese academic articles"),
    "skip": ("跳至內容", "Skip to content"),
    "nav_search": ("搜尋", "Search"),
    "nav_articles": ("文章", "Articles"),
    "nav_sources": ("引用來源", "Sources"),
    "nav_concordance": ("語境索引", "Concordance"),
    "nav_glossary": ("譯名對照", "Glossary"),
    "switch_lang": ("English", "中文"),
    "switch_lang_label": ("Switch to English", "切換至中文"),
    "main_nav": ("主選單", "Main menu"),
    "footer": ("檢索 · 離線可用 · JSON 介面見 /api/", "Jiansuo · works offline · JSON at /api/"),
    # search
    "search": ("搜尋", "Search"),
    "search_label": ("搜尋全文", "Search the full text"),
    "search_placeholder": ("例如：俄罗斯 外交", "e.g. 俄罗斯 外交 or Putin"),
    "help_title": ("查詢語法", "Query language"),
    "help_intro": ("簡體、繁體或英文皆可；各詞以 AND 連結；人名與譯名自動擴展。",
                   "Simplified, Traditional or English; words are ANDed; names and their "
                   "translations are expanded automatically."),
    "help_words": ("兩詞都要出現（簡繁皆可）", "both words, in either script"),
    "help_phrase": ("完全相符的字串", "the exact characters"),
    "help_name": ("人名：也找 蒲亭、普京", "a name: also finds 蒲亭, 普京"),
    "help_source": ("註釋中的網址或出處", "a URL or source cited in a note"),
    "help_title_field": ("標題含「拜登」的文章", "articles whose title contains 拜登"),
    "help_year": ("2007 年的文章中的「蒲亭」", "蒲亭 in articles from 2007"),
    "help_section": ("章節標題含「前言」", "in sections titled 前言"),
    "help_or_not": ("OR 任一；-詞 或 NOT 排除；author: keyword: abstract: year:2000-2010",
                    "OR either; -word or NOT excludes; author: keyword: abstract: year:2000-2010"),
    "n_results": ("共 {n} 個段落", "{n} passages"),
    "n_in_articles": ("，分屬 {n} 篇文章", " in {n} articles"),
    "took": ("（{ms} 毫秒）", " ({ms} ms)"),
    "no_results": ("沒有找到相符的段落。", "No passage matches."),
    "also_searched": ("同時搜尋：", "Also searched: "),
    "n_all": ("，其中 {n} 個含全部詞語", ", {n} with every word"),
    "missing": ("缺少：", "Missing: "),
    "did_you_mean": ("您是不是要找：", "Did you mean: "),
    "ignored": ("查詢過長，已略去：", "Query too long; left out: "),
    "only_all": ("只看含全部詞語的段落", "Only passages with every word"),
    "also_some": ("也列出只含部分詞語的段落", "Also list passages with some of the words"),
    "search_without": ("只搜尋原詞", "search without these"),
    "expansion_off": ("未擴展譯名。", "Names were not expanded."),
    "search_with": ("擴展譯名", "expand names"),
    "query_error": ("無法執行查詢：", "The query could not be run: "),
    "facets": ("篩選", "Refine"),
    "facet_article": ("文章", "Article"),
    "facet_year": ("年份", "Year"),
    "facet_section": ("章節", "Section"),
    "facet_kind": ("段落類型", "Passage kind"),
    "facet_author": ("作者", "Author"),
    "sort_by": ("排序：", "Sort: "),
    "sort_relevance": ("相關度", "relevance"),
    "sort_newest": ("最新", "newest"),
    "sort_oldest": ("最舊", "oldest"),
    "n_in_this_article": ("本文共 {n} 個相符段落，全部列出", "{n} passages in this article: show them all"),
    "no_passage_has_all": ("沒有段落包含所有的詞。", "No passage holds every word."),
    "try": ("可以試試：", "You could try:"),
    "advice_unquote": ("拿掉引號：{q}", "without quotes: {q}"),
    "advice_best": ("列出包含部分詞語的段落", "passages holding some of the words"),
    "advice_unfilter": ("移除所有篩選", "without the filters"),
    "advice_expand": ("擴展譯名與異體詞", "with other names and variants"),
    "advice_drop": ("少一個詞：{q}", "one word fewer: {q}"),
    "keys_title": ("鍵盤快捷鍵", "Keyboard shortcuts"),
    "key_slash": ("跳到搜尋框", "go to the search box"),
    "key_j": ("下一個結果", "next hit"),
    "key_k": ("上一個結果", "previous hit"),
    "key_enter": ("開啟所選結果", "open the selected hit"),
    "key_help": ("顯示這份說明", "show this help"),
    "close": ("關閉", "Close"),
    "remove_filter": ("移除篩選", "remove filter"),
    "filters_active": ("已篩選：", "Filtered by: "),
    "kind_title": ("標題", "title"),
    "kind_abstract": ("摘要", "abstract"),
    "kind_keywords": ("關鍵詞", "keywords"),
    "kind_paragraph": ("正文", "body"),
    "kind_footnote": ("註釋", "note"),
    "kind_reference": ("參考文獻", "reference"),
    "page_nav": ("分頁", "Pages"),
    "prev": ("上一頁", "Previous"),
    "next": ("下一頁", "Next"),
    "page_of": ("第 {page} 頁，共 {pages} 頁", "Page {page} of {pages}"),
    "open_passage": ("閱讀段落", "read the passage"),
    "json": ("JSON", "JSON"),
    # articles and reader
    "articles_title": ("文章", "Articles"),
    "n_articles": ("索引中共有 {n} 篇文章", "{n} articles in the index"),
    "empty_index": ("索引裡還沒有文章。把文章所在的資料夾加入索引：", "The index holds no article yet. Add the folder that holds your articles:"),
    "empty_index_formats": ("可讀取 PDF、純文字（.txt）與 Markdown（.md）；再執行一次即更新有變動的檔案。",
                            "PDF, plain text (.txt) and Markdown (.md) are read; run it again to pick up changed files."),
    "authors": ("作者", "Authors"),
    "submitted": ("收稿日期", "Submitted"),
    "accepted": ("接受刊登日期", "Accepted"),
    "keywords": ("關鍵詞", "Keywords"),
    "column": ("欄目", "Column"),
    "editor": ("責任編輯", "Editor"),
    "abstract_zh": ("中文摘要", "Abstract (Chinese)"),
    "abstract_en": ("英文摘要", "Abstract (English)"),
    "toc": ("目次", "Contents"),
    "notes": ("註釋", "Notes"),
    "note_n": ("註 {n}", "note {n}"),
    "page_label": ("頁 {n}", "p. {n}"),
    "open_pdf": ("開啟 PDF 第 {n} 頁", "Open the PDF at page {n}"),
    "reference_list": ("參考文獻", "References"),
    "reference_n": ("參考文獻 {n}", "reference {n}"),
    "same_as": ("→ 註 {n}", "→ note {n}"),
    "same_as_label": ("同註：出處見註 {n}", "Same source as note {n}"),
    "back_to_text": ("回到正文", "back to the text"),
    "problem": ("問題", "Problem"),
    "highlighting": ("標示：", "Highlighting: "),
    "n_marked": ("{n} 個段落含相符字詞", "{n} passages match"),
    "clear_highlight": ("取消標示", "clear"),
    "references": ("參考文獻匯出", "Export references"),
    "year": ("年份", "Year"),
    "passages": ("段落", "passages"),
    "notes_count": ("{n} 則註釋", "{n} notes"),
    "warnings": ("解析警告", "Parse warnings"),
    # sources
    "sources_title": ("引用來源", "Sources"),
    "sources_label": ("篩選來源（作者、標題、網址）", "Filter sources (author, title, URL)"),
    "sources_placeholder": ("例如：whitehouse.gov", "e.g. whitehouse.gov"),
    "filter": ("篩選", "Filter"),
    "n_sources": ("{n} 筆來源", "{n} sources"),
    "n_source_articles": ("，引用於 {n} 篇文章", ", cited in {n} articles"),
    "cited_by": ("引用處", "Cited in"),
    "export": ("匯出", "Export"),
    "export_all": ("匯出全部結果", "Export all results"),
    "no_sources": ("沒有相符的來源。", "No source matches."),
    "via": ("（經註 {n}）", " (via note {n})"),
    # concordance
    "kwic_title": ("語境索引", "Concordance"),
    "kwic_label": ("詞語或片語", "Word or phrase"),
    "kwic_placeholder": ("例如：蘇聯解體", "e.g. 蘇聯解體"),
    "kwic_intro": ("列出詞語在所有文章中的每一次出現，含前後文；簡繁皆可。",
                   "Every occurrence of a phrase across all articles, with its context, in either script."),
    "kwic_sort": ("排序", "Sort"),
    "sort_position": ("依出現順序", "by position"),
    "sort_left": ("依左文", "by left context"),
    "sort_right": ("依右文", "by right context"),
    "left_context": ("左文", "Left context"),
    "right_context": ("右文", "Right context"),
    "phrase": ("詞語", "Phrase"),
    "where": ("出處", "Where"),
    "n_lines": ("{n} 次出現", "{n} occurrences"),
    "per_article": ("各文章出現次數", "Occurrences per article"),
    "no_lines": ("沒有出現。", "No occurrence."),
    "truncated": ("只顯示前 {n} 筆。", "Only the first {n} are shown."),
    # glossary
    "glossary_title": ("譯名對照", "Glossary"),
    "glossary_intro": ("從文中「中文（English）」的寫法挖掘，並與異體譯名表連結；搜尋時自動擴展。",
                       "Mined from inline glosses such as 蒲亭（Vladimir Putin） and linked through the "
                       "variants table; searches expand them automatically."),
    "glossary_label": ("篩選詞條", "Filter entries"),
    "glossary_placeholder": ("例如：普京", "e.g. 普京"),
    "only_found": ("只列出文中出現者", "only terms found in the articles"),
    "n_entries": ("{n} 個詞條", "{n} entries"),
    "terms_zh": ("中文", "Chinese"),
    "glosses": ("外文", "Foreign"),
    "evidence": ("依據", "Evidence"),
    "occurrences": ("出現於", "Found in"),
    "person": ("人名", "person"),
    "source_mined": ("文中挖掘", "mined"),
    "source_variants": ("異體表", "variants table"),
    "source_cedict": ("CC-CEDICT", "CC-CEDICT"),
    "download": ("下載", "Download"),
    "no_entries": ("沒有相符的詞條。", "No entry matches."),
    # errors
    "not_found": ("找不到這個頁面", "Page not found"),
    "not_found_text": ("網址可能有誤，或文章已從索引移除。", "The address is wrong or the article left the index."),
    "article_not_found": ("索引中沒有這篇文章：{id}", "No such article in the index: {id}"),
    "unavailable": ("索引無法使用", "The index is unavailable"),
    "server_error": ("發生錯誤", "Something went wrong"),
    "server_error_text": ("伺服器無法完成這個請求。", "The server could not complete this request."),
    "back_home": ("回首頁", "Back to the home page"),
    "bad_format": ("不支援的格式：{f}；請用 bibtex、ris 或 csl。", "Unknown format {f}; use bibtex, ris or csl."),
    "bad_export": ("請指定 source=、article= 或 q=。", "Give source=, article= or q= to export."),
    "cite_this": ("引用本文", "Cite this article"),
    # note problems (indexer/parse/problems.py names the kinds)
    "problem_empty": ("空白：這個註釋沒有內容", "empty: the note has no text"),
    "problem_self_reference": ("自我指涉：{ref} 指向第 {n} 註本身", "self-reference: {ref} refers to note {n} itself"),
    "problem_unresolved_reference": ("無法對應：前面沒有 {author} 的註釋", "unresolved reference: no earlier note by {author}"),
    "problem_bad_reference": ("指向錯誤：{ref} 指向{target}，不是前面的註釋",
                              "bad reference: {ref} refers to {target}, not an earlier note"),
    "problem_truncated": ("不完整：文字在「{tail}」處中斷", "truncated: the text stops mid-sentence at “{tail}”"),
    "problem_duplicate_definition": ("重複定義：第 {n} 註出現不只一次，保留第一個",
                                     "duplicate definition: note {n} is defined more than once; the first is kept"),
    "problem_no_marker": ("沒有標號：沒有段落引用第 {n} 註", "no marker: no paragraph cites note {n}"),
    "problem_missing_definition": ("缺少內容：第 {n} 註在 {where} 被引用，但沒有註釋內容",
                                   "missing definition: note {n} is cited in {where} but never defined"),
    "the_previous_note": ("前一註", "the previous note"),
    # query errors (the codes of indexer.errors.QueryError)
    "qerr_too_long": ("查詢有 {n:,} 個字，上限是 {limit:,} 個字。請搜尋較短的詞語。",
                      "The query is {n:,} characters long; the limit is {limit:,}. Search for a shorter phrase."),
    "qerr_empty_query": ("沒有可搜尋的內容。請輸入詞語、加引號的「片語」，或 title:俄羅斯 這樣的欄位。",
                         'Nothing to search for. Type a word, a "quoted phrase" or a field such as title:俄羅斯.'),
    "qerr_all_negated": ("每個詞都被排除了。請加上要找的詞，例如：俄羅斯 -蒲亭。",
                         "Every term is negated. Add a term to search for, e.g. 俄羅斯 -蒲亭."),
    "qerr_too_many_terms": ("查詢有 {n} 個詞，上限是 {limit} 個。長段文字請加引號，當作一個片語搜尋。",
                            'The query has {n} terms; the limit is {limit}. Put a long passage in quotes to search '
                            'for it as one "phrase".'),
    "qerr_bad_year": ("「{value}」不是年份；請用 year:2007 或 year:2000-2010 這樣的範圍。",
                      "{value} is not a year; use year:2007 or a range such as year:2000-2010."),
    "qerr_timeout": ("搜尋超過 {ms:,} 毫秒，已停止。請改用較少或較罕見的詞，或加引號的片語。",
                     "The search took longer than {ms:,} ms and was stopped. Search for fewer or rarer words, "
                     "or a quoted phrase."),
    "qerr_too_deep": ("第 {page:,} 頁超出前 {limit:,} 筆結果；請縮小查詢範圍，或選擇較前面的頁。",
                      "Page {page:,} is beyond the first {limit:,} hits; narrow the query or choose an earlier page."),
    "qerr_refused": ("搜尋無法執行（{status}）；請改用較少的詞或較短的片語。",
                     "The search could not be run ({status}); search for fewer words or a shorter phrase."),
    "copy": ("複製", "Copy"),
    "copied": ("已複製", "Copied"),
    "nothing_to_export": ("沒有可匯出的參考文獻：這篇文章沒有引用來源。", "Nothing to export: no cited source here."),
}


def text(key: str, lang: str, **kw) -> str:
    """Return UI string ``key`` in ``lang`` with ``{placeholders}`` filled."""
    zh, en = STRINGS[key]
    s = en if lang == "en" else zh
    return s.format(**kw) if kw else s


def current_lang() -> str:
    """Return the language of this request: ?lang=, else the cookie, else zh."""
    if "lang" not in g:
        for lang in (request.args.get("lang"), request.cookies.get(COOKIE), "zh"):
            if lang in LANGS:
                g.lang = lang
                break
    return g.lang


def t(key: str, **kw) -> str:
    """Return UI string ``key`` in the language of this request."""
    return text(key, current_lang(), **kw)


def error_text(err) -> str:
    """Return a library error (or a search result's error) in the language of this request."""
    code = getattr(err, "code", None) or getattr(err, "error_code", None)
    params = getattr(err, "params", None) or getattr(err, "error_params", None) or {}
    if code and f"qerr_{code}" in STRINGS:
        return t(f"qerr_{code}", **params)
    return getattr(err, "error", None) or str(err)


def problem_text(message: str) -> str:
    """Return a note's problem message in the language of this request."""
    from indexer.parse.problems import read_problem

    found = read_problem(message)
    if found is None:
        return message
    kind, values = found
    if kind == "bad_reference":
        target = values["target"]
        values["target"] = t("the_previous_note") if target == "the previous note" else t("note_n", n=target[5:])
    return t(f"problem_{kind}", **values)


def remember_lang(response):
    """Store an explicit ``?lang=`` choice in a cookie for a year."""
    asked = request.args.get("lang")
    if asked in LANGS and request.cookies.get(COOKIE) != asked:
        response.set_cookie(COOKIE, asked, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


def init_app(app) -> None:
    """Expose ``t``, the language and its ``lang`` attribute to templates."""
    app.after_request(remember_lang)
    app.add_template_global(t, "t")
    app.add_template_global(problem_text, "problem_text")
    app.add_template_global(error_text, "error_text")

    @app.context_processor
    def inject():
        lang = current_lang()
        other = "en" if lang == "zh" else "zh"
        return {"lang": lang, "html_lang": HTML_LANG[lang], "other_lang": other,
                "switch_url": switch_url(other)}


# The arguments a page keeps when its language is switched; anything else a URL carries is dropped.
PAGE_ARGS = ("q", "page", "n", "expand", "mode", "sort", "article", "author", "kind", "year", "section",
             "width", "found", "source", "format")


def switch_url(lang: str) -> str:
    """Return this page's URL in language ``lang``, with only the page's own arguments."""
    if request.url_rule is None:  # a 404: there is no page to switch
        return url_for("views.index", lang=lang)
    args = [(k, v) for k in PAGE_ARGS for v in request.args.getlist(k)[:1]]
    return f"{request.path}?{urlencode([*args, ('lang', lang)])}"
