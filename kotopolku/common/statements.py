"""The first text of the accessibility statement (Act 306/2019 on the provision of digital
services, § 15) and of the privacy notice (GDPR art. 13 and 14), in fi, sv and en.

The organisation that runs Kotopolku completes them in the admin (names, contacts, the date of
its own assessment); `load_statements` creates a statement only where none exists, so an
edited text is never overwritten."""

from typing import Any

TEXTS: dict[str, dict[str, tuple[str, str]]] = {
    "accessibility": {
        "fi": (
            "Saavutettavuusseloste",
            """Tämä saavutettavuusseloste koskee Kotopolku-palvelua, jolla alueen kunnat, \
työllisyysalue, hyvinvointialue ja järjestöt hoitavat kotoutumisen edistämisen palveluja. \
Seloste on laadittu digitaalisten palvelujen tarjoamisesta annetun lain (306/2019) mukaisesti.

## Saavutettavuuden tila
Palvelu täyttää osittain WCAG 2.1 -ohjeistuksen AA-tason vaatimukset. Palvelu on rakennettu \
Helsingin kaupungin HDS-suunnittelujärjestelmän päälle, ja sivut tarkistetaan automaattisesti \
axe-työkalulla suomeksi ja ruotsiksi sekä tietokoneen että puhelimen näytöllä.

## Sisältö, joka ei ole saavutettavaa
- Palvelun tuottamat PDF-tulosteet (esimerkiksi kotoutumissuunnitelma) eivät ole kaikilta \
osin saavutettavia PDF/UA-asiakirjoja. Samat tiedot näkyvät palvelun sivuilla.
- Kaavioiden tiedot on esitetty myös taulukkona kaavion vieressä.

## Selosteen laatiminen
Seloste on laadittu palvelun käyttöönoton yhteydessä omana arviona ja automaattisten \
testien perusteella. Palvelun ylläpitäjä päivittää selosteen, kun palvelu muuttuu.

## Palaute ja yhteystiedot
Jos huomaat saavutettavuuspuutteen, kerro siitä palvelun ylläpitäjälle: [ylläpitäjän \
sähköpostiosoite]. Vastaamme 14 päivän kuluessa.

## Valvontaviranomainen
Jos et ole tyytyväinen saamaasi vastaukseen tai et saa vastausta kahden viikon aikana, voit \
tehdä ilmoituksen valvontaviranomaiselle. Ohjeet ja yhteystiedot: \
www.saavutettavuusvaatimukset.fi.""",
        ),
        "sv": (
            "Tillgänglighetsutlåtande",
            """Detta tillgänglighetsutlåtande gäller tjänsten Kotopolku, där regionens \
kommuner, sysselsättningsområde, välfärdsområde och organisationer sköter tjänsterna för \
främjande av integration. Utlåtandet har upprättats enligt lagen om tillhandahållande av \
digitala tjänster (306/2019).

## Tillgänglighetsstatus
Tjänsten uppfyller delvis kraven på nivå AA i WCAG 2.1. Tjänsten bygger på Helsingfors \
stads designsystem HDS, och sidorna kontrolleras automatiskt med verktyget axe på finska och \
svenska, på både datorskärm och telefon.

## Innehåll som inte är tillgängligt
- PDF-utskrifterna som tjänsten skapar (till exempel integrationsplanen) är inte till alla \
delar tillgängliga PDF/UA-dokument. Samma uppgifter finns på tjänstens sidor.
- Uppgifterna i diagrammen visas också som en tabell bredvid diagrammet.

## Hur utlåtandet har upprättats
Utlåtandet har upprättats när tjänsten togs i bruk, som en egen bedömning och utifrån \
automatiska tester. Tjänstens administratör uppdaterar utlåtandet när tjänsten ändras.

## Respons och kontaktuppgifter
Om du upptäcker en brist i tillgängligheten, meddela tjänstens administratör: \
[administratörens e-postadress]. Vi svarar inom 14 dagar.

## Tillsynsmyndighet
Om du inte är nöjd med svaret eller inte får något svar inom två veckor kan du göra en \
anmälan till tillsynsmyndigheten. Anvisningar och kontaktuppgifter: \
www.tillganglighetskrav.fi.""",
        ),
        "en": (
            "Accessibility statement",
            """This accessibility statement concerns Kotopolku, the service in which the \
region's municipalities, employment area, wellbeing services county and organisations run \
the services that promote integration. It is made under the Act on the Provision of Digital \
Services (306/2019).

## Compliance status
The service partially meets the level AA requirements of WCAG 2.1. It is built on the City \
of Helsinki's HDS design system, and its pages are checked automatically with axe in Finnish \
and Swedish, on a computer screen and on a phone.

## Content that is not accessible
- The PDF printouts the service makes (the integration plan, for example) are not fully \
accessible PDF/UA documents. The same information is on the service's pages.
- The figures in charts are also given as a table next to the chart.

## How this statement was prepared
The statement was prepared when the service was taken into use, as a self-assessment and \
from automatic tests. The administrator of the service updates it when the service changes.

## Feedback and contact information
If you notice an accessibility problem, tell the administrator of the service: \
[administrator's e-mail address]. We answer within 14 days.

## Enforcement
If you are not satisfied with the answer or get no answer within two weeks, you can notify \
the supervisory authority. Instructions and contact details: \
www.saavutettavuusvaatimukset.fi/en.""",
        ),
    },
    "privacy": {
        "fi": (
            "Tietosuojaseloste",
            """Tämä seloste kertoo, miten Kotopolku-palvelussa käsitellään henkilötietoja \
(EU:n yleinen tietosuoja-asetus, 13 ja 14 artikla).

## Rekisterinpitäjä ja yhteystiedot
Rekisterinpitäjä on asiakkaan palveluista vastaava kunta tai työllisyysalue: [organisaation \
nimi, osoite ja puhelinnumero]. Tietosuojavastaava: [nimi ja sähköpostiosoite].

## Käsittelyn tarkoitus ja oikeusperuste
Tietoja käsitellään kotoutumisen edistämisestä annetun lain (681/2023) mukaisten palvelujen \
järjestämiseksi: alkukartoitus ja osaamisen ja palvelutarpeen arviointi, kotoutumissuunnitelma, \
ohjaus palveluihin, kotoutumiskoulutus sekä valtion korvaukset. Oikeusperuste on lakisääteinen \
velvoite ja yleisen edun mukainen tehtävä (6 artiklan 1 kohdan c ja e alakohta); terveyttä \
koskevia tietoja käsitellään vain lain nojalla (9 artiklan 2 kohdan g alakohta).

## Käsiteltävät tiedot ja tietolähteet
Nimi, syntymäaika, henkilötunnus, yhteystiedot, kotikunta, oleskelulupatiedot, kielitaito, \
koulutus ja työhistoria, palvelut ja niiden vaiheet. Tiedot saadaan asiakkaalta itseltään sekä \
viranomaisilta, kuten Maahanmuuttovirastolta, Digi- ja väestötietovirastolta, työllisyysalueelta \
ja koulutuksen järjestäjiltä.

## Tietojen vastaanottajat
Tietoja luovutetaan vain lain sallimissa rajoissa tai asiakkaan suostumuksella: \
työllisyysalueelle, hyvinvointialueelle, koulutuksen järjestäjille sekä korvauksia maksavalle \
KEHA-keskukselle. Tietoja ei siirretä EU- tai ETA-alueen ulkopuolelle.

## Säilytysaika
Tiedot säilytetään lain ja arkistonmuodostussuunnitelman mukaisen ajan; sen jälkeen päättyneiden \
asiakkuuksien tiedot anonymisoidaan. Jokainen tietojen katselu kirjataan lokiin.

## Rekisteröidyn oikeudet
Sinulla on oikeus saada pääsy tietoihisi, pyytää virheellisten tietojen oikaisua, pyytää \
käsittelyn rajoittamista ja vastustaa käsittelyä tietosuoja-asetuksen mukaisesti. Tietoja ei \
käytetä automaattiseen päätöksentekoon. Pyynnöt voi osoittaa rekisterinpitäjälle.

## Valitusoikeus
Voit tehdä valituksen tietosuojavaltuutetun toimistolle (www.tietosuoja.fi), jos katsot, että \
tietojesi käsittelyssä rikotaan tietosuojalainsäädäntöä.""",
        ),
        "sv": (
            "Dataskyddsbeskrivning",
            """Denna beskrivning berättar hur personuppgifter behandlas i tjänsten Kotopolku \
(EU:s allmänna dataskyddsförordning, artikel 13 och 14).

## Personuppgiftsansvarig och kontaktuppgifter
Personuppgiftsansvarig är den kommun eller det sysselsättningsområde som ansvarar för \
klientens tjänster: [organisationens namn, adress och telefonnummer]. Dataskyddsombud: \
[namn och e-postadress].

## Ändamål och rättslig grund
Uppgifterna behandlas för att ordna tjänster enligt lagen om främjande av integration \
(681/2023): inledande kartläggning och bedömning av kompetens och servicebehov, \
integrationsplan, hänvisning till tjänster, integrationsutbildning och statlig ersättning. Den \
rättsliga grunden är en rättslig förpliktelse och en uppgift av allmänt intresse (artikel 6.1 c \
och e); uppgifter om hälsa behandlas endast med stöd av lag (artikel 9.2 g).

## Uppgifter som behandlas och uppgiftskällor
Namn, födelsedatum, personbeteckning, kontaktuppgifter, hemkommun, uppgifter om \
uppehållstillstånd, språkkunskaper, utbildning och arbetshistoria, tjänster och deras skeden. \
Uppgifterna fås av klienten själv och av myndigheter, såsom Migrationsverket, Myndigheten för \
digitalisering och befolkningsdata, sysselsättningsområdet och utbildningsanordnarna.

## Mottagare
Uppgifter lämnas ut endast inom lagens gränser eller med klientens samtycke: till \
sysselsättningsområdet, välfärdsområdet, utbildningsanordnare och KEHA-centret som betalar \
ersättningarna. Uppgifter överförs inte utanför EU eller EES.

## Lagringstid
Uppgifterna bevaras den tid som lagen och arkivbildningsplanen anger; därefter anonymiseras \
uppgifterna om avslutade klientrelationer. Varje läsning av uppgifterna loggas.

## Den registrerades rättigheter
Du har rätt att få tillgång till dina uppgifter, begära rättelse av felaktiga uppgifter, begära \
begränsning av behandlingen och invända mot behandlingen enligt dataskyddsförordningen. \
Uppgifterna används inte för automatiserade beslut. Begäran riktas till den \
personuppgiftsansvariga.

## Rätt att klaga
Du kan lämna in klagomål till dataombudsmannens byrå (www.tietosuoja.fi/sv) om du anser att \
behandlingen av dina uppgifter bryter mot dataskyddslagstiftningen.""",
        ),
        "en": (
            "Privacy notice",
            """This notice tells how personal data is processed in Kotopolku (EU General Data \
Protection Regulation, articles 13 and 14).

## Controller and contact details
The controller is the municipality or employment area responsible for the client's services: \
[name, address and telephone number of the organisation]. Data protection officer: [name and \
e-mail address].

## Purposes and legal basis
The data is processed to arrange the services of the Act on the Promotion of Integration \
(681/2023): the initial assessment and the assessment of skills and service needs, the \
integration plan, referrals to services, integration training and state compensation. The legal \
basis is a legal obligation and a task carried out in the public interest (article 6(1)(c) and \
(e)); health data is processed only under the law (article 9(2)(g)).

## The data and where it comes from
Name, date of birth, personal identity code, contact details, municipality of residence, \
residence permit details, language skills, education and work history, services and their \
stages. The data comes from the client and from authorities such as the Finnish Immigration \
Service, the Digital and Population Data Services Agency, the employment area and education \
providers.

## Recipients
Data is disclosed only as the law allows or with the client's consent: to the employment area, \
the wellbeing services county, education providers and the KEHA Centre that pays the \
compensation. Data is not transferred outside the EU or the EEA.

## Retention
Data is kept for the time the law and the records management plan require; after that the \
data of closed client relationships is anonymised. Every read of the data is logged.

## Your rights
You have the right of access to your data, to have wrong data corrected, to have processing \
restricted and to object to processing as the GDPR provides. The data is not used for automated \
decisions. Send requests to the controller.

## Right to complain
You can lodge a complaint with the Office of the Data Protection Ombudsman \
(www.tietosuoja.fi/en) if you think your data is processed against data protection law.""",
        ),
    },
}


def load_statements(statement_model: Any) -> int:
    """Create the statements that do not exist yet; an edited text stays as it is."""
    created = 0
    for kind, languages in TEXTS.items():
        if statement_model.objects.filter(kind=kind).exists():
            continue
        values: dict[str, str] = {}
        for language, (title, body) in languages.items():
            values[f"title_{language}"] = title
            values[f"body_{language}"] = body
        values["title"] = values["title_fi"]
        values["body"] = values["body_fi"]
        statement_model.objects.create(kind=kind, **values)
        created += 1
    return created
