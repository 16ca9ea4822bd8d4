"""The plain model format: round trip, and clear errors for damaged models. Never unpickles."""

import hashlib
import io
import json
import shutil
import zipfile

import numpy as np
import pytest

from escalation.model import FORMAT_VERSION, Model, ModelFormatError, _content_checksum, load_model


@pytest.fixture
def saved(model, tmp_path):
    return model.save(tmp_path / "m")


def rewrite_json(directory, change):
    path = directory / "model.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    change(doc)
    doc["checksum"] = _content_checksum(doc)
    path.write_text(json.dumps(doc), encoding="utf-8")


def test_round_trip_is_identical(model, saved):
    again = load_model(saved)
    assert again.vocabulary == model.vocabulary
    np.testing.assert_array_equal(again.coef, model.coef)
    sentences = ["Pakistan will respond decisively.", "The truce holds."]
    np.testing.assert_array_equal(again.predict_proba(sentences), model.predict_proba(sentences))


def test_save_is_byte_reproducible(model, saved, tmp_path):
    other = model.save(tmp_path / "again")
    for name in ("model.json", "weights.npz"):
        assert (saved / name).read_bytes() == (other / name).read_bytes()


def test_missing_directory(tmp_path):
    with pytest.raises(ModelFormatError, match="not a model directory"):
        load_model(tmp_path / "nope")


def test_truncated_json(saved):
    path = saved / "model.json"
    path.write_bytes(path.read_bytes()[:1000])
    with pytest.raises(ModelFormatError, match=r"model\.json: not valid JSON"):
        load_model(saved)


def test_edited_json_fails_checksum(saved):
    path = saved / "model.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["vocabulary"][0] = "tampered"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(ModelFormatError, match="checksum mismatch"):
        load_model(saved)


def test_wrong_version(saved):
    rewrite_json(saved, lambda d: d.update(format_version=FORMAT_VERSION + 1))
    with pytest.raises(ModelFormatError, match="format version 2 is not supported"):
        load_model(saved)


def test_not_a_model(saved):
    rewrite_json(saved, lambda d: d.update(format="something-else"))
    with pytest.raises(ModelFormatError, match="not an escalation model"):
        load_model(saved)


@pytest.mark.parametrize("damage", ["truncate", "flip", "missing"])
def test_damaged_weights(saved, damage):
    path = saved / "weights.npz"
    if damage == "truncate":
        path.write_bytes(path.read_bytes()[:500])
    elif damage == "flip":
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0xFF
        path.write_bytes(bytes(data))
    else:
        path.unlink()
    with pytest.raises(ModelFormatError, match=r"weights\.npz"):
        load_model(saved)


def _replace_weights(directory, arrays):
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    (directory / "weights.npz").write_bytes(buffer.getvalue())
    digest = hashlib.sha256(buffer.getvalue()).hexdigest()
    rewrite_json(directory, lambda d: d.update(weights_sha256=digest))


def test_wrong_shape_is_refused_even_with_valid_checksums(model, saved):
    _replace_weights(saved, {"idf": model.idf, "coef": model.coef[:, :-1], "intercept": model.intercept})
    with pytest.raises(ModelFormatError, match="coef must be float64 of shape"):
        load_model(saved)


def test_non_finite_weights_are_refused(model, saved):
    coef = model.coef.copy()
    coef[0, 0] = np.nan
    _replace_weights(saved, {"idf": model.idf, "coef": coef, "intercept": model.intercept})
    with pytest.raises(ModelFormatError, match="non-finite"):
        load_model(saved)


def test_pickled_arrays_are_never_loaded(model, saved):
    """An object array (which needs pickle) is refused, not unpickled."""
    buffer = io.BytesIO()
    np.savez(buffer, idf=np.array([object()], dtype=object), coef=model.coef, intercept=model.intercept)
    (saved / "weights.npz").write_bytes(buffer.getvalue())
    digest = hashlib.sha256(buffer.getvalue()).hexdigest()
    rewrite_json(saved, lambda d: d.update(weights_sha256=digest))
    with pytest.raises(ModelFormatError, match="unreadable"):
        load_model(saved)


def test_weights_file_is_plain_npy(saved):
    with zipfile.ZipFile(saved / "weights.npz") as z:
        assert sorted(z.namelist()) == ["coef.npy", "idf.npy", "intercept.npy"]


def test_default_model_path_found(model):
    assert isinstance(model, Model) and model.labels == ("threat", "deescalation", "neutral")


def test_copy_of_default_model_loads(tmp_path):
    from escalation.model import default_model_path

    shutil.copytree(default_model_path(), tmp_path / "copy")
    assert load_model(tmp_path / "copy").vocabulary
