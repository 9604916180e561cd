package domain

import (
	"fmt"
	"strings"
)

// FieldTexts words each field error code in English and French, for the API's problems and
// an import's report alike; %s receives the code's parameter.
var FieldTexts = map[Code]Localized{
	FieldRequired:          {EN: "This value is required.", FR: "Cette valeur est obligatoire."},
	FieldNoTeamRole:        {EN: "Give a role: lead, coordinator or both.", FR: "Indiquez un rôle : responsable, coordinateur ou les deux."},
	FieldUnknownPermission: {EN: "Unknown permission: %s (see GET /v1/permissions).", FR: "Permission inconnue : %s (voir GET /v1/permissions)."},
	FieldPermissionNeeds:   {EN: "A permission needs another: %s.", FR: "Une permission en demande une autre : %s."},
	FieldNameRequired:      {EN: "Give a first name, a last name or a company name.", FR: "Indiquez un prénom, un nom ou un nom d’entreprise."},
	FieldTooLong:           {EN: "At most %s characters.", FR: "%s caractères au maximum."},
	FieldTooMany:           {EN: "At most %s values.", FR: "%s valeurs au maximum."},
	FieldUnknown:           {EN: "Unknown field.", FR: "Champ inconnu."},
	FieldReadOnly:          {EN: "This field is set by the server and cannot be written.", FR: "Ce champ est géré par le serveur et ne peut pas être modifié."},
	FieldImmutable:         {EN: "The email cannot change once the client has been invited: it is their login.", FR: "L’e-mail ne peut plus changer une fois le client invité\u00a0: c’est son identifiant de connexion."},
	FieldInvalidType:       {EN: "Expected %s.", FR: "Type attendu\u00a0: %s."},
	FieldInvalidEmail:      {EN: "Not a valid email address.", FR: "Adresse e-mail invalide."},
	FieldInvalidPhone:      {EN: "Not a valid phone number.", FR: "Numéro de téléphone invalide."},
	FieldPhoneRegion:       {EN: "Give the number in international format (+33…) or set the address country.", FR: "Indiquez le numéro au format international (+33…) ou renseignez le pays de l’adresse."},
	FieldColumnsUnknown:    {EN: "The file's columns are not known yet: set the mode first, and the columns once its check has read them.", FR: "Les colonnes du fichier ne sont pas encore connues : choisissez d’abord le mode, puis les colonnes une fois la vérification faite."},
	FieldNamesTwice:        {EN: "A name column fills the first and last names: map it or them, not both.", FR: "Une colonne « nom complet » remplit le prénom et le nom : associez-la, ou eux, pas les deux."},
	FieldInvalidCountry:    {EN: "Not an ISO 3166-1 alpha-2 country code (FR, GB, …).", FR: "Ce n’est pas un code pays ISO 3166-1 alpha-2 (FR, GB…)."},
	FieldInvalidURL:        {EN: "Not an http or https URL.", FR: "Ce n’est pas une URL http ou https."},
	FieldInvalidKey:        {EN: "Keys are lower-case letters, digits and _, starting with a letter (64 at most).", FR: "Les clés sont en minuscules, chiffres et _, commencent par une lettre (64 au maximum)."},
	FieldInvalidValue:      {EN: "Invalid value (allowed: %s).", FR: "Valeur invalide (autorisé\u00a0: %s)."},
	FieldControlChars:      {EN: "Control characters are not allowed.", FR: "Les caractères de contrôle ne sont pas autorisés."},
	FieldInvisibleChars:    {EN: "Invisible or direction-control characters (zero-width spaces, bidi overrides) are not allowed.", FR: "Les caractères invisibles ou de contrôle de direction (espaces sans chasse, forçages bidi) ne sont pas autorisés."},
	FieldDuplicate:         {EN: "This value appears twice.", FR: "Cette valeur apparaît deux fois."},
	FieldOutOfRange:        {EN: "Out of range (%s).", FR: "Hors limites (%s)."},
	FieldTooLarge:          {EN: "Too large: %s at most in all.", FR: "Trop volumineux\u00a0: %s au maximum en tout."},
	FieldPasswordShort:     {EN: "At least %s characters.", FR: "%s caractères au minimum."},
	FieldPasswordEmail:     {EN: "The password cannot be your username.", FR: "Le mot de passe ne peut pas être votre identifiant."},
	FieldPasswordCommon:    {EN: "This password is among the most common ones: choose another.", FR: "Ce mot de passe fait partie des plus courants\u00a0: choisissez-en un autre."},
}

// FieldMessage words a field error for a reader of lang (fr or en), its parameter in place; a
// code without its own words reads as an invalid value.
func FieldMessage(code Code, param, lang string) string {
	t, ok := FieldTexts[code]
	if !ok {
		t = FieldTexts[FieldInvalidValue]
	}
	s := t.Pick(lang)
	if strings.Contains(s, "%s") {
		s = fmt.Sprintf(s, param)
	}
	return s
}
