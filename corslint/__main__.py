from corslint.replay import entry

entry()
