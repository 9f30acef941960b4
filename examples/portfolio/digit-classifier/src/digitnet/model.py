"""The DigitNet convolutional network."""

from __future__ import annotations

import torch
from torch import nn

from digitnet.data import IMAGE_SIZE, NUM_CLASSES


class DigitNet(nn.Module):
    """A small CNN for 1x8x8 digit images.

    Two 3x3 convolution blocks keep the 8x8 resolution, a 2x2 max-pool halves
    it to 4x4, and two fully connected layers produce the class logits.
    With the default sizes the network has about 40k parameters.

    Args:
        num_classes: number of output classes.
        channels: number of filters in the two convolution layers.
        hidden_units: size of the hidden fully connected layer.
        dropout: dropout probability before the classifier.
    """

    def __init__(
        self,
        num_classes: int = NUM_CLASSES,
        channels: tuple[int, int] = (16, 32),
        hidden_units: int = 64,
        dropout: float = 0.25,
    ) -> None:
        super().__init__()
        c1, c2 = channels
        self.features = nn.Sequential(
            nn.Conv2d(1, c1, kernel_size=3, padding=1),
            nn.BatchNorm2d(c1),
            nn.ReLU(inplace=True),
            nn.Conv2d(c1, c2, kernel_size=3, padding=1),
            nn.BatchNorm2d(c2),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=2),  # 8x8 -> 4x4
        )
        flat_size = c2 * (IMAGE_SIZE // 2) ** 2
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Dropout(dropout),
            nn.Linear(flat_size, hidden_units),
            nn.ReLU(inplace=True),
            nn.Linear(hidden_units, num_classes),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Return un-normalised class scores (logits).

        Args:
            x: batch of images with shape ``(batch, 1, 8, 8)``.

        Returns:
            Tensor of shape ``(batch, num_classes)``.
        """
        if x.dim() != 4 or x.shape[1:] != (1, IMAGE_SIZE, IMAGE_SIZE):
            raise ValueError(f"expected input of shape (N, 1, 8, 8), got {tuple(x.shape)}")
        return self.classifier(self.features(x))

    @torch.no_grad()
    def predict(self, x: torch.Tensor) -> torch.Tensor:
        """Return the predicted class index for each image in ``x``."""
        was_training = self.training
        self.eval()
        predictions = self(x).argmax(dim=1)
        self.train(was_training)
        return predictions


def count_parameters(model: nn.Module) -> int:
    """Number of trainable parameters in ``model``."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
