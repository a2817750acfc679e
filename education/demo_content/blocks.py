"""Stream blocks are written as (type, value) pairs; the loader turns them into JSON."""


def text(html):
    return ("text", html)
