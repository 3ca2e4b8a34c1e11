"""Keras's image_dataset_from_directory(labels="inferred", validation_split=SPLIT,
seed=SEED) file lists: index_directory, numpy's RandomState shuffle and
get_training_or_validation_split, as in keras/src/utils/dataset_utils.py (local paths).
Prints the classes, then "training LABEL PATH" and "validation LABEL PATH" lines."""
import os
import sys

import numpy as np

ALLOWLIST_FORMATS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")


def iter_valid_files(directory, formats):
    for root, _, files in sorted(os.walk(directory), key=lambda x: x[0]):
        for fname in sorted(files):
            if fname.lower().endswith(formats):
                yield root, fname


def index_directory(directory, formats, seed):
    subdirs = []
    for subdir in sorted(os.listdir(directory)):
        if os.path.isdir(os.path.join(directory, subdir)):
            if not subdir.startswith("."):
                subdirs.append(subdir)
    filenames, labels = [], []
    for index, subdir in enumerate(subdirs):
        dirpath = os.path.join(directory, subdir)
        for root, fname in iter_valid_files(dirpath, formats):
            relative = os.path.relpath(os.path.join(root, fname), dirpath)
            filenames.append(os.path.join(subdir, relative))
            labels.append(index)
    file_paths = [os.path.join(directory, fname) for fname in filenames]
    labels = np.array(labels, dtype="int32")
    np.random.RandomState(seed).shuffle(file_paths)
    np.random.RandomState(seed).shuffle(labels)
    return file_paths, labels, subdirs


def split(samples, labels, validation_split, subset):
    if not validation_split:
        return samples, labels
    num_val_samples = int(validation_split * len(samples))
    if subset == "training":
        return samples[:-num_val_samples], labels[:-num_val_samples]
    return samples[-num_val_samples:], labels[-num_val_samples:]


directory, seed, validation_split = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
paths, labels, classes = index_directory(directory, ALLOWLIST_FORMATS, seed)
print("classes: " + " ".join(classes))
for subset in ["training", "validation"] if validation_split else ["training"]:
    for path, label in zip(*split(paths, labels, validation_split, subset)):
        print("%s %d %s" % (subset, label, path))
