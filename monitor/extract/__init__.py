"""Facts out of text: DTN edition, threat level, level change, publication date."""

from monitor.extract.extractor import HIGH, LOW, MEDIUM, Extraction, extract

__all__ = ["HIGH", "LOW", "MEDIUM", "Extraction", "extract"]
