"""Importing this module loads every dictionary and model of the pipeline once.

Worker fork servers import it (``corpus.worker``), so each worker starts warm and the models'
memory is shared between workers instead of loaded again by each.
"""

from mati import pipeline  # noqa: F401  (the readers and extractors it imports)
from nlp.ner import tagger
from nlp.registry import registry
from nlp.tokenize import dictionary_words, segmenter

registry()
dictionary_words()
segmenter()
tagger()
