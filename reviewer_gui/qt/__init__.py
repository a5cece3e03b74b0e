"""The reviewer's Qt (PyQt6) widgets. They paint and translate events; the logic they call
lives in Qt-free packages (:mod:`reviewer_gui.viewer`, :mod:`reviewer_gui.dicom`).
"""

from .image_view import ImageView, pixel_spacing_of
from .linking import LinkedViews
from .loading import SeriesLoad, open_series

__all__ = ["ImageView", "LinkedViews", "SeriesLoad", "open_series", "pixel_spacing_of"]
