"""Chinese full-text search with real queries on realistic items (SQLite and PostgreSQL:
the same SQL; CI runs this file on both)."""

from __future__ import annotations

import pytest

from gongzhi.memory import selectors, services
from gongzhi.memory.textsearch import query_terms, terms_of
from gongzhi.testing.factories import UserFactory, make_member

ITEMS = [
    ("boiler", "锅炉房的冬天",
     "七十年代冬天，我们提着暖壶去锅炉房打开水，烧锅炉的李师傅让我们烤手。", "1970年代"),
    ("boiler_last", "锅炉停烧的最后一天", "2005年通了集中供暖，老师傅们在锅炉前合影。", "2005年"),
    ("canteen", "公共食堂的大锅饭", "五六十年代厂里办食堂，张师傅做的馒头又大又白。", "五六十年代"),
    ("court", "篮球场上的厂际比赛", "八十年代初我们厂篮球队在大院篮球场打比赛。", "八十年代初"),
    ("tv", "厂里的第一台电视机", "工会买了第一台黑白电视机，放在俱乐部里。", "1978年"),
    ("exit", "工厂搬走的那一年",
     "2013年工厂整体搬迁，厂牌摘下来那天很多老职工都去看了。", "2013年"),
    ("garden", "锅炉房变成了花园",
     "居民用旧砖砌墙，种下番茄和向日葵，孩子们在换书角看书。", "2024年"),
    ("layoff", "下岗那几年", "效益不好，很多人下岗了，邻居互相帮衬。", "1998年前后"),
    ("bath", "职工澡堂", "每周六下午澡堂门口排长队，澡堂的热水来自锅炉。", "1985年"),
    ("school", "子弟学校放学以后", "跳皮筋、滚铁环，在煤堆上玩打仗。", "1990年代"),
    ("grapes", "葡萄架下的晾衣绳", "秋天晾葡萄干，像老家的晾房一样。", "1980年代"),
    ("newcomer", "新邻居搬进来", "我是2015年搬来的租户，刚来的时候谁也不认识。", "2015年"),
]


@pytest.fixture
def archive(personas):
    author = make_member(UserFactory(display_name="王秀兰"), personas.community)
    other = make_member(UserFactory(display_name="刘建国"), personas.community)
    found = {}
    for i, (key, title, body, era) in enumerate(ITEMS):
        item = services.item_create(actor=author if i % 2 == 0 else other,
                                    community=personas.community, kind="story",
                                    title=title, body=body, era_text=era, licence="cc_by")
        found[key] = services.item_moderate(actor=personas.worker, item=item, approve=True)
    return found


def keys(result, archive, n=None):
    names = {v.pk: k for k, v in archive.items()}
    got = [names[i.pk] for i in result.items]
    return got[:n] if n else got


# (query, expected first results in order or as a set, how many to compare)
QUERIES = [
    ("锅炉房", ["boiler", "garden"], 2),       # the whole word in the title ranks first
    ("锅炉", None, None),                       # checked below: every boiler item
    ("食堂", ["canteen"], 1),
    ("馒头", ["canteen"], 1),                   # a word only in the body
    ("篮球", ["court"], 1),
    ("电视", ["tv"], 1),                        # partial word: 电视机
    ("搬迁", ["exit"], 1),
    ("2013", ["exit"], 1),                      # a year in the text and the era
    ("1985", ["bath"], 1),                      # a year that is only the era
    ("八十年代", None, None),                   # an era in words: both 1980s items
    ("花园 番茄", ["garden"], 1),               # two words
    ("鍋爐房", ["boiler", "garden"], 2),        # traditional characters
    ("澡堂", ["bath"], 1),
    ("下岗", ["layoff"], 1),
]


@pytest.mark.parametrize("query, expected, n", [q for q in QUERIES if q[1]])
def test_real_queries_find_the_expected_items_first(personas, archive, query, expected, n):
    result = selectors.search(_anon(), personas.community, query)
    assert set(keys(result, archive, n)) == set(expected), (query, keys(result, archive))
    if n == 2:
        assert keys(result, archive, 1) == [expected[0]]


def _anon():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


def test_a_part_of_the_word_finds_the_whole_word(personas, archive):
    got = keys(selectors.search(_anon(), personas.community, "锅炉"), archive)
    assert {"boiler", "boiler_last", "garden", "bath"} <= set(got)
    assert "canteen" not in got
    # the bath story mentions 锅炉 once, in the body: below the titles that have it
    assert got.index("bath") > got.index("boiler_last")


def test_an_era_in_words_matches_items_in_that_decade(personas, archive):
    got = keys(selectors.search(_anon(), personas.community, "八十年代"), archive)
    assert {"court", "grapes", "bath"} <= set(got[:4])


def test_a_contributors_name_finds_their_stories(personas, archive):
    got = keys(selectors.search(_anon(), personas.community, "王秀兰"), archive)
    expected = {k for i, (k, *_r) in enumerate(ITEMS) if i % 2 == 0}
    assert set(got) == expected


def test_a_surname_alone_finds_the_persons_stories(personas, archive):
    got = set(keys(selectors.search(_anon(), personas.community, "刘"), archive))
    assert {k for i, (k, *_r) in enumerate(ITEMS) if i % 2 == 1} <= got


def test_nothing_found_and_empty_queries(personas, archive):
    assert selectors.search(_anon(), personas.community, "火箭发射").items == []
    assert selectors.search(_anon(), personas.community, "").items == []
    assert selectors.search(_anon(), personas.community, "\x00").items == []


def test_search_shows_only_what_the_viewer_may_see(personas, archive):
    hidden = services.item_create(actor=personas.verified, community=personas.community,
                                  kind="story", title="锅炉房的秘密", body="只给社区看",
                                  licence="community")
    services.item_moderate(actor=personas.worker, item=hidden, approve=True)
    anon = [i.pk for i in selectors.search(_anon(), personas.community, "锅炉房").items]
    member = [i.pk for i in selectors.search(personas.owner, personas.community,
                                             "锅炉房").items]
    assert hidden.pk not in anon and hidden.pk in member
    other = [i.pk for i in selectors.search(personas.other_admin, personas.community,
                                            "锅炉房").items]
    assert hidden.pk not in other


def test_search_costs_a_constant_number_of_queries(personas, archive,
                                                   django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        selectors.search(personas.owner, personas.community, "锅炉房 1985")


def test_tokenizer_bigrams_traditional_and_words():
    assert terms_of("鍋爐房")[:2] == ["锅炉", "炉房"]
    assert query_terms("锅炉房") == ["锅炉", "炉房"]
    assert query_terms("王") == ["王"]
    assert query_terms("CC BY 1985") == ["cc", "by", "1985"]
