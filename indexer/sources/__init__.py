"""Sources: footnotes → citations → one record per cited work → BibTeX / RIS / CSL-JSON.

In: parsed articles. Out: :class:`~indexer.sources.collect.Source` records,
each with the notes and sentences citing it across articles
(:func:`collect_sources`), and exports of sources or of an article's
references (:mod:`indexer.sources.export`). Notes are split into citations
by :mod:`indexer.sources.citations`; back-references follow
:mod:`indexer.parse.backrefs`.
"""

from indexer.sources.collect import Source, collect_sources, find_source, search_sources

__all__ = ["Source", "collect_sources", "find_source", "search_sources"]
