import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from adherents.employee_import import parse_employee_file, template_csv
from adherents.exceptions import ImportRejected
from adherents.models import Employee
from core.models import OutgoingEmail
from mutualisation.contribution_import import parse_payment_file
from tests.factories import EmployeeFactory

HEADER = "nom;prenom;population;contrat;poste;email;mobile;besoin_adaptation\n"


def upload(client, organisation, content: bytes, name="salaries.csv"):
    url = reverse("adherents:employee_import", args=[organisation.pk])
    return client.post(url, {"file": SimpleUploadedFile(name, content, content_type="text/csv")})


@pytest.mark.django_db
class TestEmployeeImport:
    def test_a_good_file_imports_every_row_and_sends_one_summary(
        self, hr_client, organisation, mailoutbox, django_capture_on_commit_callbacks
    ):
        content = (HEADER + "Diallo;Aminata;insertion;CDDI;Agente;aminata@example.org;0612345678;\n"
                   "Durand;Paul;Permanent;cdi;Encadrant;;;Supports en gros caractères\n").encode()
        with django_capture_on_commit_callbacks(execute=True):
            response = upload(hr_client, organisation, content)
        assert response.status_code == 302
        assert set(Employee.objects.values_list("last_name", "contract_type")) == {("Diallo", "CDDI"), ("Durand", "CDI")}
        assert OutgoingEmail.objects.get(kind="employee_import").sent_at is not None
        assert len(mailoutbox) == 1 and "2 salariés importés" in mailoutbox[0].subject

    def test_any_bad_row_imports_nothing_and_every_bad_row_is_listed(self, hr_client, organisation):
        content = (HEADER + "Diallo;Aminata;insertion;CDDI;;a@example.org;;\n"
                   ";Paul;permanent;CDI;;;;\n"                       # line 3: no last name
                   "Durand;Luc;permanent;CDDI;;;;\n"                  # line 4: contract does not fit
                   "Ba;Awa;insertion;CDDI;;a@example.org;;\n"         # line 5: e-mail already on line 2
                   "Ba;Ali;martien;CDDI;;;06;\n").encode()             # line 6: population and mobile
        response = upload(hr_client, organisation, content)
        page = response.content.decode()
        assert response.status_code == 200
        assert not Employee.objects.exists()
        for line in ("Ligne 3 :", "Ligne 4 :", "Ligne 5 :", "Ligne 6 :"):
            assert line in page, line
        assert "Ligne 2 :" not in page
        assert "figure déjà ligne 2" in page

    def test_windows_excel_file_with_accents_is_read(self, hr_client, organisation):
        content = (HEADER.replace("prenom", "Prénom") + "Lefèvre;Hélène;insertion;CDDI;;;;\n").encode("cp1252")
        assert upload(hr_client, organisation, content).status_code == 302
        assert Employee.objects.get().first_name == "Hélène"

    def test_comma_separated_file_with_bom_is_read(self, hr_client, organisation):
        content = "\ufeffnom,prenom,population,contrat\nBa,Awa,insertion,CDDI\n".encode()
        assert upload(hr_client, organisation, content).status_code == 302
        assert Employee.objects.count() == 1

    @pytest.mark.parametrize("content, message", [
        (b"", "est vide"),
        (b"  \n\n", "Le fichier est vide."),
        (b"\xef\xbb\xbf", "Le fichier est vide."),                      # Excel's "CSV UTF-8" of an empty sheet
        (b"\xef\xbb\xbf \r\n\t\r\n", "Le fichier est vide."),
        ("\u00a0\n".encode("cp1252"), "Le fichier est vide."),           # a no-break space only
        (b"nom;prenom\nBa;Awa\n", "Colonnes manquantes : population, contrat."),
        (b"nom;prenom;population;contrat;salaire\n", "Colonnes inconnues : salaire."),
        (HEADER.encode(), "aucun salarié"),
        (b"\x00\x01\x02PK\x03\x04" * 100, "pas un fichier texte CSV"),
        (b"x" * (3 * 1024 * 1024), "dépasse 2 Mo"),
        (b"nom;prenom;population;contrat\n\x81\x8d\x8f;x;y;z\n", "encodage du fichier"),
    ])
    def test_malformed_files_get_a_clear_french_message_and_save_nothing(self, hr_client, organisation, content, message):
        response = upload(hr_client, organisation, content)
        assert message in response.content.decode()
        assert not Employee.objects.exists()

    def test_ten_megabytes_of_junk_is_refused(self, hr_client, organisation):
        response = upload(hr_client, organisation, b"junk;" * (2 * 1024 * 1024))
        assert "dépasse 2 Mo" in response.content.decode()
        assert not Employee.objects.exists()

    def test_an_email_already_used_in_the_organisation_is_a_bad_row(self, hr_client, organisation):
        EmployeeFactory(organisation=organisation, email="taken@example.org")
        response = upload(hr_client, organisation, (HEADER + "Ba;Awa;insertion;CDDI;;taken@example.org;;\n").encode())
        assert "Ligne 2 :" in response.content.decode()
        assert Employee.objects.count() == 1

    def test_the_downloadable_template_holds_the_header_only_and_the_page_shows_an_example(self, hr_client,
                                                                                          organisation):
        response = hr_client.get(reverse("adherents:employee_import_template", args=[organisation.pk]))
        assert response.content.decode("utf-8") == template_csv() == "\ufeff" + HEADER.replace("\n", "\r\n")
        # Sent back unchanged, it imports no example employee.
        assert "aucun salarié" in upload(hr_client, organisation, response.content).content.decode()
        assert not Employee.objects.exists()
        page = hr_client.get(reverse("adherents:employee_import", args=[organisation.pk])).content.decode()
        assert "Martin;Sophie;insertion;CDDI" in page
        filled = response.content + b"Martin;Sophie;insertion;CDDI;;;06 12 34 56 78;\r\n"
        assert upload(hr_client, organisation, filled).status_code == 302
        assert Employee.objects.get().mobile == "+33612345678"

    @pytest.mark.parametrize("content", [
        "\n\n" + HEADER + "Ba;Awa;insertion;CDDI;;;;\n",                    # blank lines above the header
        "sep=;\n" + HEADER + "Ba;Awa;insertion;CDDI;;;;\n",                  # Excel's separator line
        "SEP=,\n" + HEADER.replace(";", ",") + "Ba,Awa,insertion,CDDI,,,,\n",
    ])
    def test_what_spreadsheets_write_above_the_header_is_read(self, hr_client, organisation, content):
        assert upload(hr_client, organisation, content.encode()).status_code == 302
        assert Employee.objects.get().last_name == "Ba"

    def test_a_utf16_file_is_read(self, hr_client, organisation):
        content = (HEADER + "Lefèvre;Hélène;insertion;CDDI;;;;\n").encode("utf-16")
        assert upload(hr_client, organisation, content).status_code == 302
        assert Employee.objects.get().first_name == "Hélène"

    def test_a_file_mixing_two_encodings_is_refused_rather_than_garbled(self, hr_client, organisation):
        content = (HEADER + "Mixé;Hélène;insertion;CDDI;;;;\n").encode() + "Lefèvre;Zoé;insertion;CDDI;;;;\n".encode("cp1252")
        response = upload(hr_client, organisation, content)
        assert "mélange deux encodages" in response.content.decode()
        assert not Employee.objects.exists()

    def test_a_typographic_apostrophe_names_the_contract(self, hr_client, organisation):
        content = HEADER + "Ba;Awa;insertion;Intérim d\u2019insertion;;;;\n"
        assert upload(hr_client, organisation, content.encode()).status_code == 302
        assert Employee.objects.get().contract_type == "CTTI"

    @pytest.mark.parametrize("mobile, stored", [
        ("+33 6 12 34 56 78", "+33612345678"), ("+33 (0)6 12 34 56 78", "+33612345678"),
        ("06.12.34.56.78", "+33612345678"), ("0033 6 12 34 56 78", "+33612345678"), ("", ""),
    ])
    def test_mobiles_as_people_write_them(self, hr_client, organisation, mobile, stored):
        assert upload(hr_client, organisation, (HEADER + f"Ba;Awa;insertion;CDDI;;;{mobile};\n").encode()).status_code == 302
        assert Employee.objects.get().mobile == stored

    @pytest.mark.parametrize("mobile", ["abc", "n/a", "06 12 34 56 7x", "+33 6 12 34 56 78 90 12 34"])
    def test_a_mobile_that_is_not_a_number_is_a_bad_row(self, hr_client, organisation, mobile):
        response = upload(hr_client, organisation, (HEADER + f"Ba;Awa;insertion;CDDI;;;{mobile};\n").encode())
        assert "Ligne 2 : Mobile" in response.content.decode()
        assert not Employee.objects.exists()


def rejection(content: bytes, organisation) -> list[str]:
    """The problems of an employee file, in English so the test does not depend on merged translations."""
    with translation.override("en"), pytest.raises(ImportRejected) as rejected:
        parse_employee_file(content, organisation)
    return rejected.value.problems


def test_a_payment_file_with_only_a_bom_is_empty_for_the_contribution_import_too():
    with pytest.raises(ImportRejected) as rejected:
        parse_payment_file(b"\xef\xbb\xbf\r\n", 2026)
    assert rejected.value.problems == ["Le fichier est vide."]


@pytest.mark.django_db
class TestBrokenCsv:
    def test_a_huge_cell_is_named_by_its_line_without_the_library_text(self, organisation):
        content = (HEADER + "Ba;Awa;insertion;CDDI;;;;\n" + "x" * 1_500_000 + ";Awa;insertion;CDDI;;;;\n").encode()
        assert rejection(content, organisation) == [
            'Line 3: a value is longer than 131072 characters; check that every quotation mark (") is closed.'
        ]

    @pytest.mark.parametrize("content, line", [
        # An unclosed quote used to swallow the next lines into a job title: Durand was silently dropped.
        (HEADER + 'Ba;Awa;insertion;CDDI;"Agente;;;\nDurand;Paul;permanent;CDI;;;;\n', 2),
        (HEADER + 'Ba;Awa;insertion;CDDI;;;;\nDurand;"Paul" Henri;permanent;CDI;;;;\n', 3),
    ])
    def test_a_misplaced_quotation_mark_is_named_by_the_line_where_its_record_starts(self, organisation, content, line):
        assert rejection(content.encode(), organisation) == [
            f'Line {line}: a quotation mark (") is misplaced or never closed. A value in quotation marks must end '
            "with a quotation mark followed by a separator."
        ]

    def test_a_bad_row_after_a_value_on_several_lines_is_named_by_its_own_line(self, organisation):
        content = (HEADER + 'Martin;Sophie;insertion;CDDI;;;;"Fauteuil roulant\nAccès PMR"\n'
                   "Bernard;;insertion;CDDI;;;;\n"
                   '"Ba\n";;insertion;CDDI;;;;\n')
        problems = rejection(content.encode(), organisation)
        assert [problem.split(":")[0] for problem in problems] == ["Line 4", "Line 5"]

    def test_the_page_shows_the_message_and_saves_nothing(self, hr_client, organisation):
        response = upload(hr_client, organisation, (HEADER + "x" * 1_500_000 + ";Awa;insertion;CDDI\n").encode())
        page = response.content.decode()
        assert response.status_code == 200
        assert "field larger" not in page and "131072" in page
        assert not Employee.objects.exists()


@pytest.mark.django_db
class TestFormulaLikeValues:
    def test_names_and_job_titles_a_spreadsheet_would_run_are_refused_line_by_line(self, organisation):
        content = (HEADER + '"=HYPERLINK(""http://evil"";""x"")";Awa;insertion;CDDI;;;;\n'
                   "Ba;+cmd|' /C calc'!A0;insertion;CDDI;;;;\n"
                   "Ba;Ali;insertion;CDDI;@SUM(A1:A9);;;\n"
                   "Sy;Oumar;insertion;CDDI;- chef d'equipe;;;\n").encode()
        refused = "Must not start with =, + or @: a spreadsheet would run it as a formula."
        assert rejection(content, organisation) == [
            f"Line 2: Last name : {refused}",
            f"Line 3: First name : {refused}",
            f"Line 4: Job title : {refused}",
        ]
        assert not Employee.objects.exists()


@pytest.mark.django_db
def test_the_employee_lists_csv_export_imports_into_another_organisation(hr_client, organisation, other_organisation,
                                                                         other_hr_user):
    EmployeeFactory(organisation=organisation, last_name="Lefèvre", first_name="Hélène", population="permanent",
                    contract_type="CDI", email="helene@example.org", mobile="+33612345678")
    EmployeeFactory(organisation=organisation, last_name="Diallo", population="insertion", contract_type="CTTI", email="",
                    mobile="")
    exported = hr_client.get(reverse("adherents:employees", args=[organisation.pk]), {"_export": "csv"}).content
    assert b"06 12 34 56 78" in exported  # a spreadsheet keeps it as text
    hr_client.force_login(other_hr_user)
    assert upload(hr_client, other_organisation, exported).status_code == 302
    copies = Employee.objects.filter(organisation=other_organisation)
    assert sorted(copies.values_list("last_name", "population", "contract_type", "email", "mobile")) == [
        ("Diallo", "insertion", "CTTI", "", ""),
        ("Lefèvre", "permanent", "CDI", "helene@example.org", "+33612345678"),
    ]


@pytest.mark.django_db
def test_checking_a_file_reads_the_database_once_whatever_its_length(organisation):
    EmployeeFactory(organisation=organisation, email="taken@example.org")

    def queries_for(count: int) -> int:
        content = HEADER + "".join(f"Ba;Awa{n};insertion;CDDI;;awa{n}@example.org;;\n" for n in range(count))
        with CaptureQueriesContext(connection) as queries:
            assert len(parse_employee_file(content.encode(), organisation)) == count
        return len(queries)

    assert queries_for(3) == queries_for(60) == 1
    # The address already taken is still found, from that one read.
    assert "Line 3" in rejection((HEADER + "Ba;Awa;insertion;CDDI;;a@example.org;;\n"
                                  "Bo;Ali;insertion;CDDI;;taken@example.org;;\n").encode(), organisation)[0]


@pytest.mark.django_db
def test_more_rows_than_the_limit_are_refused(organisation, settings):
    settings.EMPLOYEE_IMPORT_MAX_ROWS = 3
    rows = "".join(f"Ba;Awa{n};insertion;CDDI;;;;\n" for n in range(4))
    assert rejection((HEADER + rows).encode(), organisation) == [
        "The file has 4 rows; at most 3 can be imported at once."]
    assert len(parse_employee_file((HEADER + rows[: rows.rindex("Ba;")]).encode(), organisation)) == 3


@pytest.mark.django_db
def test_someone_who_left_is_imported_again_with_their_email(hr_client, organisation, other_organisation):
    EmployeeFactory(organisation=organisation, email="a@example.org", archived_at=timezone.now())
    EmployeeFactory(organisation=other_organisation, email="b@example.org")
    content = HEADER + "Ba;Awa;insertion;CDDI;;a@example.org;;\nSy;Ali;insertion;CDDI;;b@example.org;;\n"
    assert upload(hr_client, organisation, content.encode()).status_code == 302
    assert Employee.objects.active().filter(organisation=organisation).count() == 2


@pytest.mark.django_db
def test_a_value_under_a_column_without_a_name_is_a_bad_row_and_empty_ones_are_not(organisation):
    # A spreadsheet's trailing separator leaves an unnamed column: empty there, it is harmless; a value there
    # would otherwise be dropped without a word.
    content = (b"nom;prenom;population;contrat;\n"
               b"Ba;Awa;insertion;CDDI;\n"
               b"Sy;Oumar;insertion;CDDI;secret\n")
    assert rejection(content, organisation) == ["Line 3: a value in a column without a name."]
    assert [row.data["last_name"] for row in parse_employee_file(content.replace(b"secret", b"  "), organisation)] \
        == ["Ba", "Sy"]
