from django.urls import path

from mutualisation import views

app_name = "mutualisation"
urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("exercices/ouvrir/", views.OpenYearView.as_view(), name="year_open"),
    path("exercices/<int:year>/cloturer/", views.CloseYearView.as_view(), name="year_close"),
    path("exercices/<int:year>/fec/", views.FecView.as_view(), name="fec"),
    path("comptes/", views.AccountListView.as_view(), name="accounts"),
    path("comptes/<int:pk>/", views.StatementView.as_view(), name="account"),
    path("ecritures/", views.EntryListView.as_view(), name="entries"),
    path("transactions/<int:pk>/", views.TransactionDetailView.as_view(), name="transaction"),
    path("transactions/<int:pk>/extourner/", views.ReverseView.as_view(), name="transaction_reverse"),
    path("cotisations/", views.ContributionListView.as_view(), name="contributions"),
    path("cotisations/<int:pk>/versement/", views.PaymentCreateView.as_view(), name="payment_create"),
    path("cotisations/appel/", views.ContributionCallView.as_view(), name="contribution_call"),
    path("cotisations/appel/modele.csv", views.CallTemplateView.as_view(), name="contribution_call_template"),
    path("cotisations/versements/import/", views.PaymentImportView.as_view(), name="payment_import"),
    path("cotisations/versements/modele.csv", views.PaymentTemplateView.as_view(), name="payment_import_template"),
    path("engagements/", views.ReservationListView.as_view(), name="commitments"),
    path("engagements/nouveau/", views.CommitmentCreateView.as_view(), name="commitment_create"),
    path("engagements/<int:pk>/", views.CommitmentPayView.as_view(), name="commitment_pay"),
    path("enveloppes/doter/", views.EnvelopeFundingView.as_view(), name="envelope_funding"),
    path("financements/", views.GrantView.as_view(), name="grant"),
    path("regles/", views.RuleSetListView.as_view(), name="rulesets"),
    path("regles/nouveau/", views.RuleSetCreateView.as_view(), name="ruleset_create"),
    path("regles/<int:pk>/", views.RuleSetUpdateView.as_view(), name="ruleset_update"),
    path("verification/", views.VerificationView.as_view(), name="verification"),
]
