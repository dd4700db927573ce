"""``python -m graph`` runs the command line."""

if __name__ == "__main__":
    from graph.cli import main

    main()
