"""Benchmarks on a real corpus: jiansuo against Whoosh + jieba, SQLite FTS5 and tantivy.

``python -m benchmarks corpus`` fetches the corpus, ``run --size 100|500|all|10x``
measures, ``report`` writes RESULTS.md and plot.png.
"""
