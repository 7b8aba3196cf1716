"""oneDNN's kernel cache is capped before torch first runs a model, unless the user set it."""

from __future__ import annotations

import os

import pytest

from desktop_search.core.model.loading import ONEDNN_PRIMITIVE_CACHE, bound_kernel_cache

VARIABLE = "ONEDNN_PRIMITIVE_CACHE_CAPACITY"


def test_the_cap_is_set_when_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(VARIABLE, raising=False)
    bound_kernel_cache()
    assert os.environ[VARIABLE] == ONEDNN_PRIMITIVE_CACHE


def test_a_users_own_value_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(VARIABLE, "256")
    bound_kernel_cache()
    assert os.environ[VARIABLE] == "256"


@pytest.mark.model
def test_the_real_model_loads_with_the_cap(real_embedder) -> None:
    assert os.environ.get(VARIABLE)  # loading the real model set it (or the user did)
    assert real_embedder.embed_query("ok").shape[-1] == 384
