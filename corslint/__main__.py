from corslint.cli import entry

entry()
