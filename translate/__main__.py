from translate.cli.app import main

main()
