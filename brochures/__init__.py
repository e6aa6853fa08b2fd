"""brochures: patient-information Markdown to printable, mailable PDF brochures."""

__version__ = "0.1.0"
