"""Each web worker loads the search's dictionaries before it serves: the first search
after a start would otherwise wait about a second for them."""

from gunicorn.config import Config

from education.search import text


def test_each_worker_warms_the_search_after_loading_the_app(monkeypatch, tmp_path):
    # Importing the config names a metrics folder; keep it out of later tests' processes.
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    from config import gunicorn

    warmed = []
    monkeypatch.setattr(text, "warm", lambda: warmed.append(True))
    gunicorn.post_worker_init(worker=None)
    assert warmed == [True]
    # The name is gunicorn's: a renamed hook would silently never run.
    assert "post_worker_init" in Config().settings


def test_warming_leaves_the_segmenter_and_the_conversion_table_loaded():
    text.warm()
    assert text._tokenizer_ready.is_set()
    assert text._loaded.is_set()
