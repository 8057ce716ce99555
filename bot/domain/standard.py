"""The unit the bot is built on: CFACSA9 (P1-P14, K1-K9) and its twin CU801 (1.1-4.7),
respectively a National Occupational Standard (SQA unit code H9XP 04) and a level 2 unit."""

from __future__ import annotations

UNIT = "Go the extra mile in customer service (CFACSA9 / CU801)"

PERFORMANCE = {
    "P1": "Explain the service offer clearly and concisely",
    "P2": "Identify your customer's expectations and needs",
    "P3": "Match the service offer with your customer's expectations and needs and identify "
    "the key differences",
    "P4": "Identify options for other actions that will give added value and impress",
    "P5": "Choose actions that are most appropriate to impress your customer",
    "P6": "Match your ideas for added value customer service against your authority",
    "P7": "Check your ideas are allowed within your organisation's guidelines and by external "
    "regulations",
    "P8": "Check your ideas will not affect the service to your other customers",
    "P9": "Explain your ideas for added value service to a senior colleague or other authority",
    "P10": "Take action to go the extra mile in customer service",
    "P11": "Ensure that your customer is aware of the added value of your actions",
    "P12": "Monitor the effects of your actions so the service to other customers is unaffected",
    "P13": "Note and pass on positive feedback from your customer about your actions",
    "P14": "Monitor feedback about customer reactions to actions taken to go the extra mile",
}
KNOWLEDGE = {
    "K1": "Your organisation's service offer",
    "K2": "How customers form expectations of the service they will receive",
    "K3": "What types of service action most customers will see as adding value",
    "K4": "Your organisation's rules and procedures that determine your authority",
    "K5": "Relevant legislation and regulation that impact on your freedom to go the extra mile",
    "K6": "How your organisation receives feedback on experiences that impressed customers",
    "K7": "Your organisation's procedures for making changes in its service offer",
    "K8": "How to monitor feedback from customers and colleagues about extra-mile actions",
    "K9": "How to recognise when extra-mile actions become routine and fit the service offer",
}
# CU801's assessment criteria, each evidenced by the CFACSA9 criterion beside it.
CU801 = {
    "1.1": ("Explain the service offer clearly and concisely", "P1"),
    "1.2": ("Identify their customer's expectations and needs", "P2"),
    "1.3": ("Match the service offer with expectations and needs; identify key differences", "P3"),
    "1.4": ("Identify options for other actions that will give added value", "P4"),
    "1.5": ("Choose actions that are most appropriate to impress their customer", "P5"),
    "2.1": ("Match their ideas against their authority to see them through", "P6"),
    "2.2": ("Check their ideas are possible within their organisation's guidelines", "P7"),
    "2.3": ("Check their ideas are possible within regulatory boundaries", "P7"),
    "2.4": ("Check their ideas will not unreasonably affect other customers", "P8"),
    "2.5": ("Explain their ideas to a senior colleague or other appropriate authority", "P9"),
    "3.1": ("Take action to go the extra mile in customer service", "P10"),
    "3.2": ("Ensure that their customer is aware of the added value of their actions", "P11"),
    "3.3": ("Monitor the effects on the service given to their other customers", "P12"),
    "3.4": ("Note and pass on positive feedback from their customer", "P13"),
    "3.5": ("Suggest that an extra mile action becomes routine", "K9"),
    "4.1": ("Describe their organisation's service offer", "K1"),
    "4.2": ("Explain how customers form expectations of the service", "K2"),
    "4.3": ("Identify service actions most customers see as adding value", "K3"),
    "4.4": ("Outline the rules and procedures that determine their authority", "K4"),
    "4.5": ("Identify legislation and regulation that impact on their freedom", "K5"),
    "4.6": ("Describe how their organisation receives customer service feedback", "K6"),
    "4.7": ("Describe their organisation's procedures for changing the service offer", "K7"),
}
