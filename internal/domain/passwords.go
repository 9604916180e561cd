package domain

import "strings"

// commonPasswords are among the most used passwords of at least 12 characters in public
// breach corpora, and obvious keyboard and product patterns; compared ignoring case.
var commonPasswords = strings.Fields(`
123456789012 1234567890123 12345678901234 123456789123 1234567891011 111111111111 000000000000
123123123123 123412341234 121212121212 098765432109 987654321098 147258369147 112233445566
qwertyuiopas qwertyuiop12 qwertyuiop123 qwertyuiopasdf qwerty123456 qwerty12345678 1qaz2wsx3edc
1q2w3e4r5t6y 1q2w3e4r5t6y7u qazwsxedcrfv zaq12wsxcde3 asdfghjkl123 azertyuiop12 azertyuiop123
azertyuiopqs azerty123456 password1234 password12345 password123456 passwordpassword password1!
password123! p@ssword1234 p@ssw0rd1234 passw0rd1234 motdepasse12 motdepasse123 motdepasse1234
iloveyou1234 iloveyou12345 letmein12345 welcome12345 welcome123456 welcome2024! welcome2025!
welcome2026! bienvenue123 bienvenue1234 soleil123456 doudou123456 chouchou1234 loulou123456
football1234 baseball1234 princess1234 sunshine1234 superman1234 batman123456 starwars1234
dragon123456 monkey123456 shadow123456 master123456 michael12345 jennifer1234 charlie12345
trustno11234 abc123456789 abcdefghijkl abcdef123456 aaaaaaaaaaaa administrator admin1234567
admin123456! changeme1234 changeme123! changeme12345 summer2024!! summer2025!! winter2025!!
spring2026!! autumn2025!! janvier2026! decembre2025 azerty1234567 qwertz123456 clientdesk123
clientdesk2026 monmotdepasse mypassword123 mypassword12 secret123456 secretpassword
`)

func commonPassword(p string) bool {
	lower := strings.ToLower(p)
	for _, c := range commonPasswords {
		if lower == c {
			return true
		}
	}
	// One character repeated, or a run of consecutive digits.
	if strings.Count(lower, lower[:1]) == len(lower) || strings.Contains("01234567890123456789", lower) {
		return true
	}
	return false
}
