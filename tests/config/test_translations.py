import pytest
from django.core.management import CommandError, call_command


def test_every_interface_string_is_translated_into_chinese(capsys):
    try:
        call_command("translations", check=True)
    except CommandError as error:
        pytest.fail(f"translation catalogs are incomplete:\n{error}")
    assert "complete and current" in capsys.readouterr().out
