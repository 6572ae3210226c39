"""flow_from_directory and flow_from_dataframe: batches of image files, read on
demand, augmented as flow() augments arrays."""

import pickle
import sys
import tracemalloc
import warnings

import numpy as np
import pytest
import torch_standin
from image_files import crop, write_bad_files, write_image

from sklearn_dlprep import ArrayAugmenter, Compose, MixUp, RandomFlip
from sklearn_dlprep.datasets import load_image_folder

AUGMENTER = ArrayAugmenter(rotation_range=20, zoom_range=0.1, horizontal_flip=True)


@pytest.fixture
def folder(tmp_path):
    """cat: 7 PNGs, dog: 4 PNGs and a JPEG, of one size."""
    root = tmp_path / "pets"
    for name, indices, ext in [("cat", range(7), "png"), ("dog", range(10, 14), "png"),
                               ("dog", [14], "jpg")]:
        (root / name).mkdir(parents=True, exist_ok=True)
        for i in indices:
            write_image(root / name / f"{i:02d}.{ext}", crop(i, 20, 24))
    return root


def _epoch(flow):
    return [tuple(np.asarray(a) for a in batch) for batch in flow]


def test_equals_flow_over_the_folder_read_into_memory(folder):
    """Batches from files are the batches of flow() over load_image_folder's array,
    for the same seed: reading on demand changes nothing but the memory used."""
    data = load_image_folder(folder)
    from_files = AUGMENTER.flow_from_directory(folder, target_size=None,
                                               class_mode="sparse", batch_size=5,
                                               seed=3)
    in_memory = AUGMENTER.flow(data.images, data.target, batch_size=5, seed=3)
    for _ in range(2):  # two epochs, which differ
        got, expected = _epoch(from_files), _epoch(in_memory)
        assert len(got) == len(expected) == 3
        for (X_got, y_got), (X_exp, y_exp) in zip(got, expected):
            np.testing.assert_array_equal(X_got, X_exp)
            np.testing.assert_array_equal(y_got, y_exp)
    assert from_files.filenames[0] == "cat/00.png"
    assert from_files.class_indices == {"cat": 0, "dog": 1}
    np.testing.assert_array_equal(from_files.classes, data.target)
    assert from_files.samples == 12 and from_files.num_classes == 2
    assert from_files.image_shape == (20, 24, 3)


@pytest.mark.parametrize("class_mode, check", [
    ("categorical", lambda y, labels: y.dtype == np.float32
     and np.array_equal(y, np.eye(2, dtype=np.float32)[labels])),
    ("binary", lambda y, labels: y.dtype == np.float32
     and np.array_equal(y, labels.astype(np.float32))),
    ("sparse", lambda y, labels: y.dtype.kind == "i" and np.array_equal(y, labels)),
])
def test_class_modes_give_keras_targets(folder, class_mode, check):
    """Every file once per epoch, each with its label in Keras' form."""
    flow = ArrayAugmenter().flow_from_directory(
        folder, target_size=(16, 16), class_mode=class_mode, batch_size=4, seed=0)
    images, targets = zip(*flow)
    images, targets = np.concatenate(images), np.concatenate(targets)
    reference = load_image_folder(folder, image_size=(16, 16),
                                  interpolation="nearest")
    # The identity augmenter: every image is a file of the folder, once.
    order = [next(i for i, ref in enumerate(reference.images)
                  if np.array_equal(ref, image)) for image in images]
    assert sorted(order) == list(range(12))
    assert check(targets, reference.target[order])


def test_class_mode_none_gives_images_only_and_bad_modes_are_refused(folder):
    flow = ArrayAugmenter().flow_from_directory(folder, target_size=(8, 8),
                                                class_mode=None, batch_size=12)
    assert isinstance(flow[0], np.ndarray) and flow[0].shape == (12, 8, 8, 3)
    with pytest.raises(ValueError, match="class_mode=None and use each batch"):
        ArrayAugmenter().flow_from_directory(folder, class_mode="input")
    with pytest.raises(ValueError, match="class_mode must be one of"):
        ArrayAugmenter().flow_from_directory(folder, class_mode="one-hot")
    (folder / "bird").mkdir()
    write_image(folder / "bird" / "0.png", crop(20, 20, 24))
    with pytest.raises(ValueError, match="exactly 2 classes, found 3"):
        ArrayAugmenter().flow_from_directory(folder, class_mode="binary")
    with pytest.raises(ValueError, match="seed and random_state"):
        ArrayAugmenter().flow_from_directory(folder, seed=0, random_state=0)
    with pytest.raises(TypeError, match="target_size"):
        ArrayAugmenter().flow_from_directory(folder, target_size=32)


def test_only_the_files_of_a_batch_are_read(folder):
    """An unreadable file breaks only the batch that holds it, and the error
    names it: the other batches never read it."""
    bad = folder / "dog" / "99.png"
    bad.write_text("not an image")
    flow = ArrayAugmenter().flow_from_directory(folder, target_size=(8, 8),
                                                batch_size=4, shuffle=False)
    assert len(flow) == 4  # 13 files
    for index in range(3):
        assert flow[index][0].shape == (4, 8, 8, 3)
    with pytest.raises(ValueError, match=r"99\.png"):
        flow[3]


def test_unreadable_files_are_skipped_and_reported(tmp_path):
    """on_error="skip": the batch loses the file and its label, a warning names
    it once, skipped_filenames lists it; never a blank image in its place."""
    root = tmp_path / "data"
    for name, first in [("a", 0), ("b", 10)]:
        (root / name).mkdir(parents=True)
        for i in range(3):
            write_image(root / name / f"{i}.png", crop(first + i, 20, 24))
    bad = write_bad_files(root / "b")
    flow = ArrayAugmenter().flow_from_directory(
        root, target_size=(20, 24), class_mode="sparse", batch_size=20,
        on_error="skip", seed=0)
    assert flow.samples == 9  # 6 images, truncated.jpg, empty.png, text.png
    with pytest.warns(UserWarning, match="Skipped 3 of 9") as record:
        X, y = flow[0]
    message = str(record[0].message)
    for name in ("truncated", "empty", "text"):
        assert bad[name].name in message
    assert X.shape == (6, 20, 24, 3) and len(y) == 6
    assert X.reshape(6, -1).max(axis=1).min() > 0  # no blank image
    assert sorted(y.tolist()) == [0, 0, 0, 1, 1, 1]
    assert sorted(flow.skipped_filenames) == sorted(
        str(bad[name]) for name in ("empty", "text", "truncated"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # reported once, not at every epoch
        assert len(next(iter(flow))[0]) == 6


def test_flow_from_dataframe_labels_weights_and_raw_targets(folder):
    pd = pytest.importorskip("pandas")
    table = pd.DataFrame({
        "path": ["cat/00.png", "dog/10.png", "cat/01.png", "dog/14.jpg"],
        "label": ["cat", "dog", "cat", "dog"],
        "weight": [1.0, 2.0, 3.0, 4.0],
        "score": [0.5, 1.5, 2.5, 3.5],
    })
    flow = ArrayAugmenter().flow_from_dataframe(
        table, folder, x_col="path", y_col="label", weight_col="weight",
        target_size=(20, 24), class_mode="sparse", batch_size=4, shuffle=False)
    X, y, w = flow[0]
    expected = load_image_folder(folder).images[[0, 7, 1, 11]]
    np.testing.assert_array_equal(X, expected)
    assert y.tolist() == [0, 1, 0, 1] and w.tolist() == [1.0, 2.0, 3.0, 4.0]
    assert flow.filenames == table["path"].tolist()
    raw = ArrayAugmenter().flow_from_dataframe(
        table, folder, x_col="path", y_col="score", class_mode="raw",
        target_size=(8, 8), batch_size=4, shuffle=False)
    assert raw[0][1].tolist() == [0.5, 1.5, 2.5, 3.5] and raw.class_indices is None
    only_dogs = ArrayAugmenter().flow_from_dataframe(
        table, folder, x_col="path", y_col="label", classes=["dog"],
        target_size=(8, 8), batch_size=4)
    assert only_dogs.samples == 2 and only_dogs[0][1].shape == (2, 1)
    with pytest.raises(ValueError, match="class_mode='raw'"):
        ArrayAugmenter().flow_from_dataframe(table, folder, x_col="path",
                                             y_col="score", class_mode="sparse")
    with pytest.raises(ValueError, match="weight_col='w'"):
        ArrayAugmenter().flow_from_dataframe(table, folder, x_col="path",
                                             y_col="label", weight_col="w")


def test_flow_from_dataframe_missing_paths(folder):
    """A listed file that does not exist: an error naming it, or the row left
    out with on_error="skip" and listed in skipped_filenames."""
    pd = pytest.importorskip("pandas")
    table = pd.DataFrame({"filename": ["cat/00.png", "cat/gone.png", "dog/10.png"],
                          "class": ["cat", "cat", "dog"]})
    with pytest.raises(ValueError, match="gone.png"):
        ArrayAugmenter().flow_from_dataframe(table, folder, target_size=(8, 8))
    with pytest.warns(UserWarning, match="gone.png"):
        flow = ArrayAugmenter().flow_from_dataframe(
            table, folder, target_size=(8, 8), on_error="skip", batch_size=8)
    assert flow.samples == 2 and len(flow[0][0]) == 2
    assert flow.skipped_filenames == [str(folder / "cat" / "gone.png")]


def test_balance_and_mix_with_one_hot_targets(folder):
    """balance=True reads the classes of one-hot rows: 7 cats and 7 dogs an
    epoch (5 dog files, drawn evenly), every batch balanced; mix mixes them."""
    flow = AUGMENTER.flow_from_directory(folder, target_size=(16, 16),
                                         batch_size=4, balance=True, seed=0)
    y = np.concatenate([batch[1] for batch in flow])
    assert y.shape == (14, 2) and y.sum(axis=0).tolist() == [7.0, 7.0]
    mixed = Compose([("flip", RandomFlip())]).flow_from_directory(
        folder, target_size=(16, 16), batch_size=6, mix=MixUp(alpha=0.4), seed=0)
    X, y = mixed[0]
    assert X.dtype == np.uint8 and y.dtype == np.float32
    np.testing.assert_allclose(y.sum(axis=1), 1, rtol=1e-6)
    assert np.any((y > 0) & (y < 1))  # soft labels


def test_memory_stays_within_a_few_batches(tmp_path):
    """An epoch over 240 files (20 batches) holds about one batch of images at a
    time, not the folder: the peak of Python-tracked memory while iterating is
    below 4 batches' worth of images."""
    root = tmp_path / "big"
    for name in ("a", "b"):
        (root / name).mkdir(parents=True)
        for i in range(120):
            write_image(root / name / f"{i:03d}.png", crop(i, 64, 64))
    flow = AUGMENTER.flow_from_directory(root, target_size=(64, 64), batch_size=12,
                                         seed=0)
    batch_bytes = 12 * 64 * 64 * 3
    tracemalloc.start()
    try:
        n_images = sum(len(X) for X, _ in flow)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert n_images == 240
    assert peak < 4 * batch_bytes, (peak, batch_bytes)


def test_pickles_and_shards_over_dataloader_workers(folder, monkeypatch):
    """The flow holds file names, not images: it pickles small, and two
    DataLoader workers read every file exactly once per epoch."""
    for name, module in torch_standin.modules().items():
        monkeypatch.setitem(sys.modules, name, module)
    flow = ArrayAugmenter().flow_from_directory(folder, target_size=(8, 8),
                                                class_mode="sparse", batch_size=3,
                                                seed=0)
    assert len(pickle.dumps(flow)) < 20_000
    loader = sys.modules["torch.utils.data"].DataLoader(flow, batch_size=None,
                                                        num_workers=2)
    reference = load_image_folder(folder, image_size=(8, 8),
                                  interpolation="nearest").images.reshape(12, -1)
    for _ in range(2):
        images = np.concatenate([X for X, _ in loader]).reshape(12, -1)
        seen = sorted(int(np.flatnonzero((reference == row).all(axis=1))[0])
                      for row in images)
        assert seen == list(range(12))


def test_prefetch_and_next_give_the_same_batches(folder):
    """prefetch=2 prepares the same batches ahead in a thread; next() runs on."""
    make = lambda **kw: AUGMENTER.flow_from_directory(  # noqa: E731
        folder, target_size=(16, 16), batch_size=5, seed=1, **kw)
    plain, ahead = make(), make(prefetch=2)
    for (X_a, y_a), (X_b, y_b) in zip(_epoch(plain), _epoch(ahead)):
        np.testing.assert_array_equal(X_a, X_b)
        np.testing.assert_array_equal(y_a, y_b)
    assert [len(next(plain)[0]) for _ in range(4)] == [5, 5, 2, 5]  # epochs run on


def test_a_missing_folder_is_named(tmp_path):
    with pytest.raises(ValueError, match="nowhere"):
        ArrayAugmenter().flow_from_directory(tmp_path / "nowhere")


def test_a_batch_of_unreadable_files_only_is_an_error_not_an_empty_batch(tmp_path):
    root = tmp_path / "data"
    (root / "a").mkdir(parents=True)
    for name in ("0.png", "1.png"):
        write_image(root / "a" / name, crop(0, 8, 8))
    for name in ("z0.png", "z1.png"):
        (root / "a" / name).write_text("not an image")
    flow = ArrayAugmenter().flow_from_directory(
        root, target_size=(8, 8), batch_size=2, shuffle=False, on_error="skip")
    assert len(flow[0][0]) == 2
    with pytest.warns(UserWarning), pytest.raises(ValueError, match="z0.png"):
        flow[1]


def test_dataframe_class_indices_are_kept_across_tables(folder):
    """Numeric labels are class indices: a validation table without class 1
    keeps class 2 in column 2; classes=[...] picks indices in label order."""
    pd = pytest.importorskip("pandas")
    paths = ["cat/00.png", "dog/10.png", "cat/01.png"]
    table = pd.DataFrame({"filename": paths, "label": [0, 2, 0]})
    flow = ArrayAugmenter().flow_from_dataframe(
        table, folder, y_col="label", target_size=(8, 8), batch_size=3,
        shuffle=False)
    assert flow[0][1].tolist() == [[1, 0, 0], [0, 0, 1], [1, 0, 0]]
    assert flow.class_indices == {0: 0, 1: 1, 2: 2}
    picked = ArrayAugmenter().flow_from_dataframe(
        table, folder, y_col="label", classes=[2], class_mode="sparse",
        target_size=(8, 8), batch_size=3)
    assert picked.samples == 1 and picked[0][1].tolist() == [0]
    with pytest.raises(TypeError, match="classes must list ints"):
        ArrayAugmenter().flow_from_dataframe(table, folder, y_col="label",
                                             classes=["cat"])


def test_dataframe_raw_targets_filenames_and_weights_as_given(folder):
    pd = pytest.importorskip("pandas")
    table = pd.DataFrame({"path": [str(folder / "cat/00.png"), "dog/10.png"],
                          "kind": ["x", "y"], "w": [1.0, np.nan]})
    raw = ArrayAugmenter().flow_from_dataframe(
        table, folder, x_col="path", y_col="kind", class_mode="raw",
        target_size=(8, 8), batch_size=2, shuffle=False)
    assert raw[0][1].tolist() == ["x", "y"]
    assert raw.filenames == table["path"].tolist()
    with pytest.raises(ValueError, match="weight_col='w' must hold finite"):
        ArrayAugmenter().flow_from_dataframe(table, folder, x_col="path",
                                             y_col="kind", weight_col="w")
    with pytest.raises(ValueError, match="weight_col='w' needs labels"):
        ArrayAugmenter().flow_from_dataframe(table, folder, x_col="path",
                                             class_mode=None, weight_col="w")


def test_classes_keep_keras_meaning_with_mix_and_sizes_name_target_size(folder):
    flow = ArrayAugmenter().flow_from_directory(
        folder, target_size=(8, 8), class_mode="sparse", mix=MixUp(), seed=0)
    np.testing.assert_array_equal(flow.classes, [0] * 7 + [1] * 5)
    np.testing.assert_array_equal(flow.mix_classes, [0, 1])
    write_image(folder / "dog" / "big.png", crop(30, 30, 30))
    odd = ArrayAugmenter().flow_from_directory(folder, target_size=None,
                                               batch_size=13, shuffle=False)
    with pytest.raises(ValueError, match=r"Pass target_size=\(height, width\)"):
        odd[0]


@pytest.mark.parametrize("name, value, hint", [
    ("subset", "training", "split the files first"),
    ("save_to_dir", "out", "cv2.imwrite"),
    ("keep_aspect_ratio", True, "aspect ratio"),
    ("colour_mode", "rgb", "unexpected keyword argument 'colour_mode'"),
])
def test_keras_arguments_not_taken_say_what_to_do(folder, name, value, hint):
    with pytest.raises(TypeError, match=hint):
        ArrayAugmenter().flow_from_directory(folder, **{name: value})
    pd = pytest.importorskip("pandas")
    with pytest.raises(TypeError, match=hint):
        ArrayAugmenter().flow_from_dataframe(pd.DataFrame({"filename": []}),
                                             **{name: value})
