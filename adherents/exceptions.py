class ImportRejected(Exception):
    """A file was refused as a whole; `problems` lists every reason, with line numbers where they apply."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(str(problem) for problem in problems))
        self.problems = problems
