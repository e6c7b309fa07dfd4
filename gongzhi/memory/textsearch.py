"""Chinese full-text search without a Chinese tokenizer in the database (pure, no Django).

Residents type fragments: 锅炉房 must find a story about the 锅炉, a name must find the
stories it appears in, 鍋爐 (traditional) must find 锅炉. We index **overlapping character
bigrams** of every run of Han characters (plus single characters, for one-character
queries such as a surname), lower-cased Latin words and numbers, after converting
traditional to simplified characters with OpenCC. This is the CJK approach of Lucene's
``CJKAnalyzer``, Elasticsearch's ``cjk_bigram`` and PostgreSQL's ``pg_bigm``: it needs no
dictionary, never splits a name it has not seen, and a query matches every text that
shares its bigrams, so a partial word finds the whole one.

The terms are stored in an ordinary table (``memory.SearchTerm``: item, term, weight) and
ranked with the same SQL on SQLite and PostgreSQL (see ``selectors.search``): first by how
many of the query's terms an item has, then by the sum over matched terms of
``weight × idf``, a BM25 form whose term-frequency part is computed here at index time.
"""

from __future__ import annotations

import math
import re
import unicodedata
from functools import lru_cache

K1 = 1.2          # BM25 term-frequency saturation
B = 0.5           # length normalisation (0.5: stories vary a lot in length)
AVG_LEN = 300     # typical length of an item's text in characters
MAX_TERM = 24     # longest Latin/number token kept

HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
TOKEN = re.compile(rf"[{HAN}]+|[a-z0-9]+")
# Bigrams that carry no meaning on their own and would rank everything equally.
STOP_BIGRAMS = frozenset({"的时", "时候", "我们", "他们", "一个", "这个", "那个", "就是",
                          "没有", "还是", "已经", "可以", "的是", "了一", "在这", "也是"})
STOP_CHARS = frozenset("的了是在和也就都而及与着或一不我你他她它这那有")


@lru_cache(maxsize=1)
def _converter():
    try:
        import opencc
    except ImportError:  # pragma: no cover - opencc is a dependency; degrade to no conversion
        return None
    return opencc.OpenCC("t2s")


def normalise(text: str) -> str:
    """NFKC (full-width → half-width), traditional → simplified, lower case."""
    text = unicodedata.normalize("NFKC", text or "")
    conv = _converter()
    if conv is not None and text:
        text = conv.convert(text)
    return text.lower()


def is_han(token: str) -> bool:
    return bool(token) and bool(re.match(rf"[{HAN}]", token))


def terms_of(text: str, *, unigrams: bool = True) -> list[str]:
    """The index terms of ``text``, in order, with repetitions."""
    out: list[str] = []
    for token in TOKEN.findall(normalise(text)):
        if is_han(token):
            out.extend(token[i:i + 2] for i in range(len(token) - 1))
            if unigrams:
                out.extend(c for c in token if c not in STOP_CHARS)
        else:
            out.append(token[:MAX_TERM])
    return out


def query_terms(query: str) -> list[str]:
    """The distinct terms a query looks for: bigrams of each Han run (its single character
    when the run is one character long), words and numbers; stop bigrams dropped unless
    they are all the query has."""
    seen: list[str] = []
    for token in TOKEN.findall(normalise(query)):
        if is_han(token):
            parts = [token] if len(token) == 1 else [token[i:i + 2]
                                                     for i in range(len(token) - 1)]
        else:
            parts = [token[:MAX_TERM]]
        for p in parts:
            if p not in seen:
                seen.append(p)
    meaningful = [t for t in seen if t not in STOP_BIGRAMS]
    return meaningful or seen


def weighted_terms(fields: list[tuple[str, float]]) -> dict[str, float]:
    """BM25 term-frequency weights of one document made of (text, field weight) parts.

    A term's frequency counts each occurrence with its field's weight (a title counts
    more than the body); the result is the saturated, length-normalised BM25 tf part."""
    tf: dict[str, float] = {}
    length = 0
    for text, weight in fields:
        terms = terms_of(text)
        length += sum(1 for t in terms if len(t) != 1 or not is_han(t))
        for t in terms:
            # single characters only help one-character queries: a small weight
            tf[t] = tf.get(t, 0.0) + weight * (0.3 if len(t) == 1 and is_han(t) else 1.0)
    norm = K1 * (1 - B + B * max(length, 1) / AVG_LEN)
    return {t: round(f * (K1 + 1) / (f + norm), 4) for t, f in tf.items()}


def idf(doc_freq: int, n_docs: int) -> float:
    """BM25's inverse document frequency, never negative."""
    return math.log(1 + (n_docs - doc_freq + 0.5) / (doc_freq + 0.5))


def min_hits(n_terms: int) -> int:
    """How many of a query's terms an item must contain to be a result: one for short
    queries, 40 % for long ones (so a sentence finds texts that share its words)."""
    return max(1, math.ceil(n_terms * 0.4)) if n_terms > 3 else 1
