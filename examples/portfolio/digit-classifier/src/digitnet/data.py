"""Loading, splitting and batching the 8x8 digits dataset.

The images come from scikit-learn's copy of the UCI "Optical Recognition of
Handwritten Digits" dataset: 1,797 grey-scale images of 8x8 pixels with
values between 0 and 16. The dataset ships with scikit-learn, so no download
is needed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, Dataset

IMAGE_SIZE = 8
NUM_CLASSES = 10
MAX_PIXEL_VALUE = 16.0

Transform = Callable[[torch.Tensor], torch.Tensor]


class Normalize:
    """Standardise an image tensor with a fixed mean and standard deviation.

    Works like ``torchvision.transforms.Normalize`` for single-channel images.
    """

    def __init__(self, mean: float, std: float) -> None:
        if std <= 0:
            raise ValueError(f"std must be positive, got {std}")
        self.mean = mean
        self.std = std

    def __call__(self, image: torch.Tensor) -> torch.Tensor:
        return (image - self.mean) / self.std

    def __repr__(self) -> str:
        return f"{type(self).__name__}(mean={self.mean:.4f}, std={self.std:.4f})"


class DigitsDataset(Dataset):
    """8x8 digit images as ``(1, 8, 8)`` float tensors with integer labels."""

    def __init__(
        self,
        images: np.ndarray,
        labels: np.ndarray,
        transform: Transform | None = None,
    ) -> None:
        if len(images) != len(labels):
            raise ValueError("images and labels must have the same length")
        # scale raw pixel values (0..16) to 0..1 once, up front
        self.images = torch.as_tensor(images, dtype=torch.float32).reshape(
            -1, 1, IMAGE_SIZE, IMAGE_SIZE
        ) / MAX_PIXEL_VALUE
        self.labels = torch.as_tensor(labels, dtype=torch.long)
        self.transform = transform

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, torch.Tensor]:
        image = self.images[index]
        if self.transform is not None:
            image = self.transform(image)
        return image, self.labels[index]


@dataclass(frozen=True)
class SplitIndices:
    train: np.ndarray
    val: np.ndarray
    test: np.ndarray


def split_indices(
    n_samples: int, val_fraction: float = 0.15, test_fraction: float = 0.15, seed: int = 42
) -> SplitIndices:
    """Shuffle ``range(n_samples)`` with a fixed seed and cut it into three parts."""
    if val_fraction + test_fraction >= 1:
        raise ValueError("val_fraction + test_fraction must be below 1")
    rng = np.random.default_rng(seed)
    order = rng.permutation(n_samples)
    n_test = int(round(n_samples * test_fraction))
    n_val = int(round(n_samples * val_fraction))
    return SplitIndices(
        train=order[n_test + n_val :],
        val=order[n_test : n_test + n_val],
        test=order[:n_test],
    )


def make_dataloaders(
    batch_size: int = 64,
    val_fraction: float = 0.15,
    test_fraction: float = 0.15,
    seed: int = 42,
    num_workers: int = 0,
) -> dict[str, DataLoader]:
    """Build train/val/test DataLoaders.

    The normalisation statistics are computed on the training split only, so
    nothing about the validation or test images leaks into training.
    """
    digits = load_digits()
    images, labels = digits.images, digits.target
    splits = split_indices(len(labels), val_fraction, test_fraction, seed)

    train_pixels = images[splits.train] / MAX_PIXEL_VALUE
    normalize = Normalize(mean=float(train_pixels.mean()), std=float(train_pixels.std()))

    # a seeded generator makes the order of the shuffled training batches reproducible
    generator = torch.Generator().manual_seed(seed)
    loaders: dict[str, DataLoader] = {}
    for name, idx in (("train", splits.train), ("val", splits.val), ("test", splits.test)):
        dataset = DigitsDataset(images[idx], labels[idx], transform=normalize)
        loaders[name] = DataLoader(
            dataset,
            batch_size=batch_size,
            shuffle=(name == "train"),
            num_workers=num_workers,
            generator=generator if name == "train" else None,
        )
    return loaders
