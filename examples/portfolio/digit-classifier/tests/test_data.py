import numpy as np
import pytest
import torch

from digitnet.data import DigitsDataset, Normalize, make_dataloaders, split_indices


def test_dataset_item_shape_and_scaling() -> None:
    images = np.full((3, 8, 8), 16.0)
    dataset = DigitsDataset(images, np.array([0, 1, 2]))
    image, label = dataset[1]
    assert len(dataset) == 3
    assert image.shape == (1, 8, 8)
    assert image.dtype == torch.float32
    assert torch.allclose(image, torch.ones(1, 8, 8))  # 16 is the maximum pixel value
    assert label.item() == 1


def test_dataset_applies_transform() -> None:
    dataset = DigitsDataset(np.zeros((2, 8, 8)), np.array([3, 4]), transform=Normalize(0.5, 0.25))
    image, _ = dataset[0]
    assert torch.allclose(image, torch.full((1, 8, 8), -2.0))


def test_dataset_rejects_mismatched_lengths() -> None:
    with pytest.raises(ValueError):
        DigitsDataset(np.zeros((2, 8, 8)), np.array([1, 2, 3]))


def test_normalize_rejects_non_positive_std() -> None:
    with pytest.raises(ValueError):
        Normalize(0.0, 0.0)


def test_split_is_disjoint_and_complete() -> None:
    splits = split_indices(100, val_fraction=0.2, test_fraction=0.1, seed=0)
    assert (len(splits.train), len(splits.val), len(splits.test)) == (70, 20, 10)
    all_indices = np.concatenate([splits.train, splits.val, splits.test])
    assert sorted(all_indices.tolist()) == list(range(100))


def test_split_is_deterministic_for_a_seed() -> None:
    a = split_indices(500, seed=42)
    b = split_indices(500, seed=42)
    c = split_indices(500, seed=7)
    assert np.array_equal(a.test, b.test) and np.array_equal(a.train, b.train)
    assert not np.array_equal(a.test, c.test)


def test_dataloaders_shapes_and_sizes() -> None:
    loaders = make_dataloaders(batch_size=32, seed=42)
    images, labels = next(iter(loaders["train"]))
    assert images.shape == (32, 1, 8, 8)
    assert labels.shape == (32,)
    sizes = {name: len(loader.dataset) for name, loader in loaders.items()}
    assert sum(sizes.values()) == 1797  # size of the sklearn digits dataset
    assert sizes["test"] == sizes["val"] == 270


def test_training_data_is_standardised() -> None:
    loaders = make_dataloaders(batch_size=2048, seed=42)
    images, _ = next(iter(loaders["train"]))
    assert abs(images.mean().item()) < 1e-4
    assert images.std().item() == pytest.approx(1.0, abs=1e-3)


def test_shuffled_batches_are_reproducible() -> None:
    first = next(iter(make_dataloaders(batch_size=16, seed=1)["train"]))[1]
    second = next(iter(make_dataloaders(batch_size=16, seed=1)["train"]))[1]
    assert torch.equal(first, second)
