"""The surveys' demo year (dealercare.surveys_demo)."""

from django.db.models import Count, Q

from dealercare.surveys.models import SurveyAnswer, SurveyInvitation, SurveyResponse


def test_a_demo_dealers_year_of_surveys(cast):
    from dealercare.demo_data import dealer_fill
    from dealercare.service_demo import service_demo_fill
    from dealercare.surveys_demo import surveys_demo_fill

    dealer_fill(cast.dealer_a, customers=80, vehicles=100, seed=3)
    service_demo_fill(cast.dealer_a, seed=3)
    made = surveys_demo_fill(cast.dealer_a, seed=3)

    responses = SurveyResponse.objects.filter(dealer=cast.dealer_a)
    assert made["answered"] == responses.count() > 30
    figures = responses.aggregate(
        rated=Count("pk", filter=Q(satisfaction__isnull=False)),
        satisfied=Count("pk", filter=Q(satisfaction__gte=4)),
        unhappy=Count("pk", filter=Q(unhappy=True)),
    )
    assert 0.8 <= figures["satisfied"] / figures["rated"] <= 1.0
    assert figures["unhappy"] >= 1
    assert {"csi", "ssi"} == set(responses.values_list("template__kind", flat=True))
    invited = SurveyInvitation.objects.filter(dealer=cast.dealer_a)
    assert invited.count() > responses.count()
    assert invited.filter(created_at__lt=responses.order_by("answered_at")[0].answered_at).exists()
    for response in responses.exclude(answered_at=None)[:20]:
        assert response.created_at == response.answered_at
        assert SurveyAnswer.objects.filter(response=response).count() >= 5
    # the last week's answers went through the service: an unhappy one has its complaint
    assert not responses.filter(complaint__isnull=False, unhappy=False).exists()
