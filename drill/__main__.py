from drill.status import main

main()
