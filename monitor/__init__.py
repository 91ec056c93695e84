"""dtn-monitor: alerts when the NCTV publishes a new DTN or changes the national threat level."""

__version__ = "0.1.0"
