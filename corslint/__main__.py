from corslint.cli import main

main()
