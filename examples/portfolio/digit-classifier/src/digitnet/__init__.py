"""digitnet: a small convolutional network for 8x8 handwritten digits."""

from digitnet.data import DigitsDataset, Normalize, make_dataloaders
from digitnet.model import DigitNet

__all__ = ["DigitNet", "DigitsDataset", "Normalize", "make_dataloaders"]
__version__ = "0.1.0"
