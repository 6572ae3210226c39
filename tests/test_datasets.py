"""Loading image folders (``load_image_folder``) and listing files for the flows:
a folder with one sub-folder per class, or a DataFrame of paths and labels.

Folders are written into each test's ``tmp_path`` from crops of scikit-learn's
sample photographs (``tests/image_files.py``).
"""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

import os

import cv2
import numpy as np
import pytest
from image_files import crop, write_bad_files, write_image

from sklearn_dlprep import ImageFileReader
from sklearn_dlprep.datasets import load_image_folder
from sklearn_dlprep.utils._files import index_dataframe, index_image_folder


@pytest.fixture
def folder(tmp_path):
    """cat: 3 PNGs and one JPEG in a nested folder; dog: 2 JPEGs and a PNG with an
    upper-case extension. Also files that are not read: a text file, a hidden
    folder, an image directly in the root."""
    root = tmp_path / "pets"
    (root / "cat" / "nested").mkdir(parents=True)
    for i in range(3):
        write_image(root / "cat" / f"{i}.png", crop(i))
    write_image(root / "cat" / "nested" / "3.jpg", crop(3))
    (root / "dog").mkdir()
    for i in range(2):
        write_image(root / "dog" / f"{i}.jpg", crop(10 + i))
    write_image(root / "dog" / "2.PNG", crop(12))
    (root / "dog" / "notes.txt").write_text("not an image")
    (root / ".hidden").mkdir()
    write_image(root / ".hidden" / "x.png", crop(20))
    write_image(root / "top.png", crop(21))
    return root


def test_classes_are_the_sorted_sub_folders(folder):
    """target_names are the sub-folders, sorted; target indexes them; files are
    listed class after class, sorted, nested ones included, others left out."""
    data = load_image_folder(folder)
    assert data.target_names == ["cat", "dog"]
    np.testing.assert_array_equal(data.target, [0, 0, 0, 0, 1, 1, 1])
    assert data.target.dtype == np.int64
    relative = [os.path.relpath(name, folder) for name in data.filenames]
    assert relative == ["cat/0.png", "cat/1.png", "cat/2.png", "cat/nested/3.jpg",
                        "dog/0.jpg", "dog/1.jpg", "dog/2.PNG"]
    assert data.skipped_filenames == []


def test_images_are_those_the_reader_reads(folder):
    """images are the files' pixels (the PNGs exactly), in filenames' order."""
    data = load_image_folder(folder, image_size=(24, 32))
    assert data.images.shape == (7, 24, 32, 3) and data.images.dtype == np.uint8
    np.testing.assert_array_equal(
        data.images, ImageFileReader((24, 32)).transform(data.filenames))
    full = load_image_folder(folder)
    np.testing.assert_array_equal(full.images[1], crop(1))


@pytest.mark.slow
def test_files_and_labels_are_listed_as_keras_lists_them(folder):
    """Same files, order and labels as Keras' image_dataset_from_directory
    indexing (unshuffled) for the extensions Keras reads."""
    os.environ.setdefault("KERAS_BACKEND", "numpy")
    pytest.importorskip("keras")
    from keras.src.utils.dataset_utils import index_directory
    from keras.src.utils.image_dataset_utils import ALLOWLIST_FORMATS

    (folder / "dog" / "3.webp").write_bytes(cv2.imencode(".webp", crop(13))[1])
    paths, labels, class_names = index_image_folder(folder,
                                                    extensions=ALLOWLIST_FORMATS)
    keras_paths, keras_labels, keras_names = index_directory(
        str(folder), labels="inferred", formats=ALLOWLIST_FORMATS, shuffle=False,
        verbose=False)
    assert paths == keras_paths and class_names == keras_names
    np.testing.assert_array_equal(labels, keras_labels)
    # Our default extensions add torchvision's .webp (among others).
    assert str(folder / "dog" / "3.webp") in index_image_folder(folder)[0]


def test_class_names_choose_and_order_classes(folder):
    """class_names gives the label order; sub-folders not named are not read."""
    data = load_image_folder(folder, class_names=["dog", "cat"])
    np.testing.assert_array_equal(data.target, [0, 0, 0, 1, 1, 1, 1])
    only = load_image_folder(folder, class_names=["dog"])
    assert only.target_names == ["dog"] and len(only.images) == 3


@pytest.mark.parametrize("class_names, error, match", [
    (["cat", "bird"], ValueError, r"\['bird'\] are not sub-folders.*\['cat', 'dog'\]"),
    (["cat", "cat"], ValueError, "more than once"),
    ("cat", TypeError, "class_names must be a list"),
])
def test_bad_class_names_are_refused(folder, class_names, error, match):
    """Unknown, repeated or non-list class names say what is wrong."""
    with pytest.raises(error, match=match):
        load_image_folder(folder, class_names=class_names)


def test_an_empty_class_folder_is_a_class(folder):
    """An empty sub-folder is still a class, with no image (as in Keras)."""
    (folder / "emu").mkdir()
    data = load_image_folder(folder)
    assert data.target_names == ["cat", "dog", "emu"]
    assert (data.target == 2).sum() == 0


def test_folders_without_images_are_refused(tmp_path):
    """A missing directory, a file, no sub-folder, or no image: a ValueError each."""
    with pytest.raises(ValueError, match="does not exist"):
        load_image_folder(tmp_path / "nowhere")
    write_image(tmp_path / "a.png", crop(0))
    with pytest.raises(ValueError, match="is not a directory"):
        load_image_folder(tmp_path / "a.png")
    with pytest.raises(ValueError, match="has no sub-folders.*One sub-folder per"):
        load_image_folder(tmp_path)
    (tmp_path / "cat").mkdir()
    (tmp_path / "cat" / "notes.txt").write_text("no image")
    with pytest.raises(ValueError, match=r"No image files found.*\.jpg"):
        load_image_folder(tmp_path)


def test_one_size_is_required_without_image_size(folder):
    """image_size=None with files of two sizes names the file that differs."""
    write_image(folder / "dog" / "3.png", crop(13, 30, 64))
    with pytest.raises(ValueError, match=r"dog/3\.png.* 30x64 .*image_size"):
        load_image_folder(folder)
    assert load_image_folder(folder, image_size=(30, 64)).images.shape[0] == 8


@pytest.mark.parametrize("color_mode, channels", [("grayscale", 1), ("rgba", 4)])
def test_color_modes(folder, color_mode, channels):
    """grayscale and rgba give 1 and 4 channels."""
    data = load_image_folder(folder, color_mode=color_mode)
    assert data.images.shape == (7, 48, 64, channels)


def test_16_bit_pngs_give_uint16(tmp_path):
    """A folder of 16-bit PNGs loads as uint16, values as written."""
    values = np.arange(48 * 64 * 3, dtype=np.uint16).reshape(48, 64, 3) * 20
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        write_image(tmp_path / name / "0.png", values)
    data = load_image_folder(tmp_path)
    assert data.images.dtype == np.uint16
    np.testing.assert_array_equal(data.images[1], values)


def test_bad_file_raises_naming_it(folder):
    """on_error="raise" (default): a ValueError that names the unreadable file."""
    (folder / "dog" / "broken.jpg").write_bytes(b"")
    with pytest.raises(ValueError, match=r"broken\.jpg.*empty file"):
        load_image_folder(folder)


def test_skip_keeps_images_and_labels_together(tmp_path, folder):
    """on_error="skip": unreadable files are left out with a warning, listed in
    skipped_filenames, and the remaining images keep their own labels."""
    bad = write_bad_files(tmp_path / "bad")
    (folder / "cat" / "1a-truncated.jpg").write_bytes(bad["truncated"].read_bytes())
    (folder / "dog" / "0a-text.png").write_text("not an image")
    with pytest.warns(UserWarning, match=r"Skipped 2 of 9 image files.*"
                                         r"1a-truncated\.jpg"):
        data = load_image_folder(folder, on_error="skip")
    assert [os.path.basename(name) for name in data.skipped_filenames] == [
        "1a-truncated.jpg", "0a-text.png"]
    np.testing.assert_array_equal(data.target, [0, 0, 0, 0, 1, 1, 1])
    assert not any("a-" in name for name in data.filenames)
    np.testing.assert_array_equal(
        data.images, ImageFileReader(None).transform(data.filenames))


def test_return_X_y(folder):
    """return_X_y gives (images, target) as in the Bunch."""
    images, target = load_image_folder(folder, image_size=(8, 8), return_X_y=True)
    data = load_image_folder(folder, image_size=(8, 8))
    np.testing.assert_array_equal(images, data.images)
    np.testing.assert_array_equal(target, data.target)


def test_verbose_says_what_was_found(folder, capsys):
    """verbose=1 prints Keras' line; verbose=0 prints nothing."""
    load_image_folder(folder, image_size=(8, 8))
    assert capsys.readouterr().out == ""
    load_image_folder(folder, image_size=(8, 8), verbose=1)
    assert capsys.readouterr().out == "Found 7 files belonging to 2 classes.\n"


def test_threads_load_the_same(folder):
    """n_jobs=2 loads exactly what n_jobs=1 loads."""
    one = load_image_folder(folder, image_size=(16, 16))
    two = load_image_folder(folder, image_size=(16, 16), n_jobs=2)
    np.testing.assert_array_equal(one.images, two.images)
    np.testing.assert_array_equal(one.target, two.target)


def test_links(tmp_path, folder):
    """A class sub-folder that is a link is read; a link below it only with
    follow_links=True; a link cycle does not loop."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    write_image(elsewhere / "linked.png", crop(30))
    (folder / "cat" / "more").symlink_to(elsewhere, target_is_directory=True)
    (folder / "cat" / "loop").symlink_to(folder / "cat", target_is_directory=True)
    (folder / "zebra").symlink_to(elsewhere, target_is_directory=True)
    plain = load_image_folder(folder)
    assert plain.target_names == ["cat", "dog", "zebra"]
    assert (plain.target == 0).sum() == 4 and (plain.target == 2).sum() == 1
    followed = load_image_folder(folder, follow_links=True)
    assert (followed.target == 0).sum() == 5
    assert any(name.endswith("more/linked.png") for name in followed.filenames)


@pytest.mark.parametrize("params, error, match", [
    ({"verbose": -1}, ValueError, "verbose"),
    ({"follow_links": "yes"}, TypeError, "follow_links"),
    ({"return_X_y": 1}, TypeError, "return_X_y"),
    ({"image_size": (0, 8)}, ValueError, "image_size"),
    ({"color_mode": "bgr"}, ValueError, "color_mode"),
    ({"on_error": "warn"}, ValueError, "on_error"),
    ({"interpolation": "lanczos3"}, ValueError, "lanczos4"),
])
def test_bad_parameters_name_themselves(folder, params, error, match):
    """Each bad parameter is refused with a message that names it."""
    with pytest.raises(error, match=match):
        load_image_folder(folder, **params)


# Listing a DataFrame (for flow_from_dataframe) ------------------------------


@pytest.fixture
def frame(folder):
    pd = pytest.importorskip("pandas")
    return pd.DataFrame({
        "filename": ["cat/0.png", "dog/1.jpg", "cat/nested/3.jpg", "dog/2.PNG"],
        "class": ["cat", "dog", "cat", "dog"],
        "weight": [1.0, 2.0, 3.0, 4.0],
        "score": [0.5, 1.5, 2.5, 3.5],
    })


def test_dataframe_paths_and_class_names(folder, frame):
    """Paths are joined to directory; class names become sorted indices."""
    listing = index_dataframe(frame, folder)
    assert listing.filepaths == [os.path.join(folder, name)
                                 for name in frame["filename"]]
    assert listing.class_names == ["cat", "dog"]
    np.testing.assert_array_equal(listing.labels, [0, 1, 0, 1])
    np.testing.assert_array_equal(listing.rows, [0, 1, 2, 3])


def test_dataframe_classes_choose_rows(folder, frame):
    """classes gives the label order, and rows of other classes are left out
    (Keras' semantics); rows says which rows remain."""
    listing = index_dataframe(frame, folder, classes=["dog"])
    assert listing.class_names == ["dog"]
    np.testing.assert_array_equal(listing.rows, [1, 3])
    np.testing.assert_array_equal(listing.labels, [0, 0])
    np.testing.assert_array_equal(frame["weight"].to_numpy()[listing.rows], [2, 4])


def test_dataframe_numeric_labels_are_kept(folder, frame):
    """A numeric y_col is returned as it is, without class names."""
    listing = index_dataframe(frame, folder, y_col="score")
    assert listing.class_names is None
    np.testing.assert_array_equal(listing.labels, frame["score"])
    assert index_dataframe(frame, folder, y_col=None).labels is None


def test_dataframe_full_paths_need_no_directory(folder, frame):
    """Without directory, x_col holds the paths as they are."""
    frame["filename"] = [str(folder / name) for name in frame["filename"]]
    listing = index_dataframe(frame)
    assert listing.filepaths == frame["filename"].tolist()


def test_dataframe_missing_files_raise_naming_them(folder, frame):
    """A missing file or a non-image extension: on_error="raise" names them."""
    frame.loc[1, "filename"] = "dog/gone.jpg"
    frame.loc[2, "filename"] = "dog/notes.txt"
    with pytest.raises(ValueError, match=r"2 of 4 paths.*gone\.jpg' \(no such "
                                         r"file\).*notes\.txt' \(not an image"):
        index_dataframe(frame, folder)


def test_dataframe_missing_files_skipped_with_warning(folder, frame):
    """on_error="skip" leaves those rows out, as Keras does, and names them."""
    frame.loc[1, "filename"] = "dog/gone.jpg"
    with pytest.warns(UserWarning, match=r"Skipped 1 of 4 rows.*gone\.jpg"):
        listing = index_dataframe(frame, folder, on_error="skip")
    np.testing.assert_array_equal(listing.rows, [0, 2, 3])
    np.testing.assert_array_equal(listing.labels, [0, 0, 1])
    assert listing.skipped_filenames == [os.path.join(folder, "dog/gone.jpg")]


def test_dataframe_without_validation_lists_every_row(folder, frame):
    """validate_filenames=False checks nothing on disk (for very long tables)."""
    frame.loc[1, "filename"] = "dog/gone.jpg"
    listing = index_dataframe(frame, folder, validate_filenames=False)
    assert len(listing.filepaths) == 4 and listing.skipped_filenames == []


@pytest.mark.parametrize("change, error, match", [
    ({"class": ["cat", None, "cat", "dog"]}, ValueError, r"no label at rows \[1\]"),
    ({"class": ["cat", ["a", "b"], "cat", "dog"]}, TypeError, "Multi-label"),
    ({"class": ["cat", 1, "cat", "dog"]}, TypeError, "class names .* or numbers"),
    ({"filename": ["cat/0.png", 3, "a.png", "b.png"]}, TypeError, "int 3 at row 1"),
])
def test_dataframe_bad_columns_are_refused(folder, frame, change, error, match):
    """Missing labels, mixed or multi-label y_col, non-path x_col: refused."""
    for column, values in change.items():
        frame[column] = values
    with pytest.raises(error, match=match):
        index_dataframe(frame, folder)


def test_dataframe_unknown_column_lists_the_columns(folder, frame):
    """A column that does not exist is named with those that do."""
    with pytest.raises(ValueError, match=r"y_col='label' is not a column.*'class'"):
        index_dataframe(frame, folder, y_col="label")
