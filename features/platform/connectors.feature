# Source: docs/sources/unifyapps-roles.txt, "Category 2: Connectors". Connector entries are
# apps, their triggers and their actions (slack, slack/triggers/new-message,
# slack/actions/send-message); allowing or excepting an app covers everything below it.
Feature: Connector access
  "You have three options for defining connector access: Grant Access to All Apps, Allow Apps
  Listed Below, Allow All Apps Except."

  Background:
    Given the policy set "platform"

  Scenario: Grant Access to All Apps gives every application, trigger and action
    Then the role "Platform Admin" can use every connector
    And the role "Platform Admin" can use the app "stripe"
    And the role "Platform Admin" can use the action "salesforce/actions/delete-record"
    And the role "Platform Admin" can use a new connector "notion"

  Scenario: Allow Apps Listed Below gives the listed applications, triggers and actions only
    Then the role "Automation Builder" can use only these connectors:
      | connector                         |
      | slack                             |
      | gmail                             |
      | google-sheets                     |
      | hubspot/triggers                  |
      | salesforce/triggers/new-lead      |
      | salesforce/actions/create-record  |
      | salesforce/actions/update-record  |
      | jira/actions/create-issue         |
    And the role "Automation Builder" can use the app "Slack"
    And the role "Automation Builder" can use the action "Send message" of "Slack"
    And the role "Automation Builder" can use the trigger "New lead" of "Salesforce"
    But the role "Automation Builder" cannot use the app "salesforce"
    And the role "Automation Builder" cannot use the action "salesforce/actions/delete-record"
    And the role "Automation Builder" can use the trigger "hubspot/triggers/new-contact"
    But the role "Automation Builder" cannot use the action "hubspot/actions/create-contact"
    And the role "Automation Builder" cannot use a new connector "notion"
    And the role "Automation Builder" cannot use a new connector "salesforce/actions/added-later"

  Scenario: Listing an app covers what is added to it after the build
    Then the role "Automation Builder" can use a new connector "slack/actions/pin-message"
    And the role "Automation Builder" can use every trigger of "Slack"
    And the role "Automation Builder" can use every action of "Slack"
    But the role "Automation Builder" cannot use any action of "HubSpot"

  Scenario: Allow All Apps Except revokes the listed applications, triggers and actions
    Then the role "Integration Engineer" can use every connector except:
      | connector                         |
      | stripe                            |
      | snowflake                         |
      | salesforce/actions/delete-record  |
      | github/actions/merge-pull-request |
    And the role "Integration Engineer" cannot use the app "Stripe"
    And the role "Integration Engineer" cannot use the trigger "stripe/triggers/new-payment"
    And the role "Integration Engineer" can use the action "salesforce/actions/update-record"
    But the role "Integration Engineer" cannot use the action "Merge pull request" of "GitHub"

  Scenario: Apps added after the build are allowed under "all except", unless below an excepted app
    Then the role "Integration Engineer" can use a new connector "notion"
    And the role "Integration Engineer" can use a new connector "slack/actions/added-later"
    But the role "Integration Engineer" cannot use a new connector "stripe/actions/added-later"

  Scenario: Roles without connector access use no app at all
    Then the role "Member" cannot use any connector
    And the role "Auditor" cannot use any connector
    And the role "Release Manager" cannot use any connector
    And the role "API Manager" cannot use any connector
    And the role "Identity Admin" cannot use any connector

  Scenario: A user's roles combine: all except A together with allow B is all except A minus B
    Then the role "Workspace Lead" can use every connector except:
      | connector                         |
      | stripe                            |
      | snowflake                         |
      | salesforce/actions/delete-record  |
      | github/actions/merge-pull-request |
    And "lucas.meyer@acme.example" can use a new connector "notion"
    And "david.okafor@acme.example" can use every connector except:
      | connector                         |
      | stripe                            |
      | snowflake                         |
      | salesforce/actions/delete-record  |
      | github/actions/merge-pull-request |
    And "fatima.khan@acme.example" can use only these connectors:
      | connector                         |
      | slack                             |
      | gmail                             |
      | google-sheets                     |
      | hubspot/triggers                  |
      | salesforce/triggers/new-lead      |
      | salesforce/actions/create-record  |
      | salesforce/actions/update-record  |
      | jira/actions/create-issue         |

  Scenario: Combining "all except" with an "allow" that covers an excepted entry re-allows it
    Given a user "zoe" with the roles "Integration Engineer" and "Automation Builder"
    When the role "Automation Builder" gets access to only these connectors:
      | connector                        |
      | stripe/actions/create-invoice    |
    Then "zoe" can use the action "stripe/actions/create-invoice"
    But "zoe" cannot use the app "stripe"
    And "zoe" cannot use the action "stripe/actions/refund-payment"
    And "zoe" cannot use the trigger "stripe/triggers/new-payment"
    And "zoe" can use the app "Slack"
    And "zoe" can use a new connector "notion"
