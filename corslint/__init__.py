"""corslint: a CORS linter that judges what browsers and attackers will actually see."""

__version__ = "0.1.0"
