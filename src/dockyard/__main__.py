from dockyard._start import main

main()
