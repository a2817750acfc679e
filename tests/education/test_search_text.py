from education.search.backend import rewrite_query
from education.search.text import index_text, query_terms, query_tokens


def test_index_text_cuts_chinese_runs_into_bigrams_and_characters():
    assert index_text("预防电动车") == "预防 防电 电动 动车 预 防 电 动 车"
    assert index_text("慧消防APP注册, 119!") == "慧消 消防 慧 消 防 APP 注册 注 册 119"


def test_query_words_drop_punctuation_and_markup():
    assert query_terms('<script>"电动车"</script> AND 119') == [
        "script",
        "电动车",
        "script",
        "AND",
        "119",
    ]
    assert query_tokens("电动车") == ["电动", "动车"]
    assert query_tokens("火") == ["火"]


def test_query_with_nothing_searchable_is_empty(db):
    assert rewrite_query("“”，。!?") is None
