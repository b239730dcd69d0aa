"""jiansuo: a bilingual search engine for Chinese-language academic articles.

The pipeline, one module per stage: read → parse → analysis → schema/build → search.
"""

__version__ = "0.1.0"
