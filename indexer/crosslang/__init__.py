"""Across languages: other names of a term, for query expansion and the glossary page.

In: parsed articles (inline glosses such as 蒲亭（Vladimir Putin）) and the
variant table (``data/variants.tsv`` plus the ``variants`` setting's file).
Out: a :class:`~indexer.crosslang.glossary.Glossary` whose entries link a
term's Chinese forms and English glosses with the evidence for each link;
``Glossary.expand`` gives the terms a query ORs in. Script variants
(繁/简) need no entry: :func:`indexer.analysis.fold` already unifies them.
"""

from indexer.crosslang.glossary import Glossary, build_glossary, mine_article

__all__ = ["Glossary", "build_glossary", "mine_article"]
